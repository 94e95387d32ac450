package dev.deliberate.core.internal;

import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.spi.GenerationRequest;
import dev.deliberate.core.spi.GenerationResult;
import dev.deliberate.core.spi.RenderedPrompt;
import dev.deliberate.core.spi.StopReason;
import dev.deliberate.core.spi.TextGenerator;
import dev.deliberate.core.spi.TokenSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * A {@link TextGenerator} that plays scripted pieces, one token each, for deterministic tests of the orchestrator's
 * own logic (tag splitting, budgets, retries). Real inference is tested by the llama.cpp conformance test.
 */
final class ScriptedGenerator implements TextGenerator {

    final List<GenerationRequest> requests = new ArrayList<>();
    private final Function<GenerationRequest, List<String>> script;
    private final boolean opensThinking;
    private final boolean canConstrain;
    int context = 4096;
    boolean closed;

    ScriptedGenerator(boolean opensThinking, boolean canConstrain, Function<GenerationRequest, List<String>> script) {
        this.opensThinking = opensThinking;
        this.canConstrain = canConstrain;
        this.script = script;
    }

    /** Plays the same pieces for every request. */
    static ScriptedGenerator fixed(boolean opensThinking, String... pieces) {
        return new ScriptedGenerator(opensThinking, true, r -> List.of(pieces));
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo("scripted", "scripted", Optional.empty(), Optional.empty(), "scripted", "", "",
                OptionalLong.empty(), context);
    }

    @Override
    public RenderedPrompt render(List<ChatMessage> messages) {
        StringBuilder b = new StringBuilder();
        for (ChatMessage m : messages) {
            b.append('<').append(m.role()).append('>').append(m.content());
        }
        b.append("<ASSISTANT>");
        if (opensThinking) {
            b.append("<think>\n");
        }
        return new RenderedPrompt(b.toString(), opensThinking);
    }

    @Override
    public int countTokens(String text) {
        return (text.length() + 3) / 4;
    }

    @Override
    public int contextLength() {
        return context;
    }

    @Override
    public boolean canConstrain() {
        return canConstrain;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, TokenSink sink) {
        requests.add(request);
        List<String> pieces = script.apply(request);
        int n = 0;
        for (String piece : pieces) {
            if (n == request.maxTokens()) {
                return new GenerationResult(countTokens(request.prompt()), n, StopReason.MAX_TOKENS);
            }
            n++;
            if (!sink.onPiece(piece, n)) {
                return new GenerationResult(countTokens(request.prompt()), n, StopReason.STOPPED_BY_SINK);
            }
        }
        return new GenerationResult(countTokens(request.prompt()), n,
                n == request.maxTokens() ? StopReason.MAX_TOKENS : StopReason.END_OF_TEXT);
    }

    @Override
    public void close() {
        closed = true;
    }

    /** {@code n} copies of {@code piece}. */
    static List<String> repeat(String piece, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(piece);
        }
        return out;
    }
}

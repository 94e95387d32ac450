package dev.deliberate.core.internal;

import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.spi.ChatGenerator;
import dev.deliberate.core.spi.ChatRequest;
import dev.deliberate.core.spi.ChatSink;
import dev.deliberate.core.spi.GenerationResult;
import dev.deliberate.core.spi.StopReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * A {@link ChatGenerator} that plays scripted pieces, one token each, on either channel, for deterministic tests of
 * the shared orchestration's chat path. Real servers are tested by the remote backend's conformance tests.
 */
final class ScriptedChatGenerator implements ChatGenerator {

    /** One scripted piece. */
    record Piece(ChatSink.Channel channel, String text) {
        static Piece reasoning(String text) {
            return new Piece(ChatSink.Channel.REASONING, text);
        }

        static Piece content(String text) {
            return new Piece(ChatSink.Channel.CONTENT, text);
        }
    }

    final List<ChatRequest> requests = new ArrayList<>();
    private final Function<ChatRequest, List<Piece>> script;
    boolean canConstrain = true;
    int context = 4096;
    boolean closed;

    ScriptedChatGenerator(Function<ChatRequest, List<Piece>> script) {
        this.script = script;
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo("scripted-chat", "scripted-chat", Optional.empty(), Optional.empty(), "scripted", "", "",
                OptionalLong.empty(), context);
    }

    @Override
    public int countTokens(List<ChatMessage> messages) {
        return messages.stream().mapToInt(m -> (m.content().length() + 3) / 4 + 4).sum();
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
    public GenerationResult chat(ChatRequest request, ChatSink sink) {
        requests.add(request);
        int prompt = countTokens(request.messages());
        int n = 0;
        for (Piece p : script.apply(request)) {
            if (n == request.maxTokens()) {
                return new GenerationResult(prompt, n, StopReason.MAX_TOKENS);
            }
            n++;
            if (!sink.onPiece(p.channel(), p.text(), n)) {
                return new GenerationResult(prompt, n, StopReason.STOPPED_BY_SINK);
            }
        }
        return new GenerationResult(prompt, n, StopReason.END_OF_TEXT);
    }

    @Override
    public void close() {
        closed = true;
    }
}

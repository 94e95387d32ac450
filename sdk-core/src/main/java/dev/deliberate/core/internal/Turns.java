package dev.deliberate.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.spi.AssistantPrefix;
import dev.deliberate.core.spi.ChatGenerator;
import dev.deliberate.core.spi.ChatRequest;
import dev.deliberate.core.spi.ChatSink;
import dev.deliberate.core.spi.GenerationRequest;
import dev.deliberate.core.spi.GenerationResult;
import dev.deliberate.core.spi.ModelBackend;
import dev.deliberate.core.spi.RenderedPrompt;
import dev.deliberate.core.spi.TextGenerator;
import dev.deliberate.core.spi.TokenSink;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A backend as the one orchestration ({@link TextReasoningModel}) sees it, whatever its shape: a conversation
 * rendered once, then continued with raw assistant text in the DeepSeek-R1 convention ({@code <think>...</think>}
 * then the answer). For a {@link TextGenerator} the continuation is appended to the rendered prompt; for a
 * {@link ChatGenerator} it becomes an {@link AssistantPrefix}, and the server's split reasoning is turned back into
 * the same raw stream, so that think parsing, bounds, answers and retries are written once.
 */
sealed interface Turns extends AutoCloseable permits Turns.Text, Turns.Chat {

    /** Adapts whichever shape {@code backend} has. */
    static Turns of(ModelBackend backend) {
        return backend.shape(Text::new, Chat::new);
    }

    /** The conversation as rendered for the backend. */
    record Prompt(List<ChatMessage> messages, String text, boolean opensThinking, int tokens) { }

    ModelInfo info();

    /** How many calls may run at once (1: serialised). */
    default int parallelism() {
        return 1;
    }

    /** Whether a JSON Schema is enforced by the backend (grammar or server structured output). */
    boolean canConstrain();

    /** Rejects schemas the backend cannot enforce, before anything is generated. */
    void checkSchema(JsonNode schema);

    /** The context window in tokens; 0 when unknown. */
    int contextLength();

    Prompt render(List<ChatMessage> messages);

    /**
     * The token bound of the first generation. Text backends stop exactly at the thinking bound and resume the
     * answer cheaply from their prompt cache; chat backends get room for thinking and answer in one stream (every
     * further request re-sends the conversation), and the thinking bound is enforced by counting pieces. When the
     * thinking has no token bound, a chat backend gets no token bound either: only the server knows exactly how
     * many tokens its context has left (the client's prompt count may be an estimate).
     */
    int firstMaxTokens(int thinkLimit, int answerMax, boolean tokenBounded);

    /**
     * Generates after {@code prompt} followed by the assistant's {@code continuation} (raw, may be empty);
     * {@code cancelled} is polled by backends that may wait for a silent server.
     */
    GenerationResult generate(Prompt prompt, String continuation, int maxTokens, Sampling sampling,
            Optional<JsonNode> schema, Optional<Instant> stopAt, TokenSink sink, BooleanSupplier cancelled);

    @Override
    void close();

    /** A raw-prompt backend: continuations are appended to the prompt text. */
    record Text(TextGenerator generator) implements Turns {
        @Override
        public ModelInfo info() {
            return generator.info();
        }

        @Override
        public boolean canConstrain() {
            return generator.canConstrain();
        }

        @Override
        public void checkSchema(JsonNode schema) {
            generator.checkSchema(schema);
        }

        @Override
        public int contextLength() {
            return generator.contextLength();
        }

        @Override
        public Prompt render(List<ChatMessage> messages) {
            RenderedPrompt p = generator.render(messages);
            return new Prompt(messages, p.text(), p.opensThinking(), generator.countTokens(p.text()));
        }

        @Override
        public int firstMaxTokens(int thinkLimit, int answerMax, boolean tokenBounded) {
            return thinkLimit;
        }

        @Override
        public GenerationResult generate(Prompt prompt, String continuation, int maxTokens, Sampling sampling,
                Optional<JsonNode> schema, Optional<Instant> stopAt, TokenSink sink, BooleanSupplier cancelled) {
            return generator.generate(new GenerationRequest(prompt.text() + continuation, maxTokens, List.of(),
                    sampling, schema), sink);
        }

        @Override
        public void close() {
            generator.close();
        }
    }

    /** A chat backend: continuations become an assistant prefix; split reasoning is re-joined with tags. */
    record Chat(ChatGenerator generator) implements Turns {
        @Override
        public ModelInfo info() {
            return generator.info();
        }

        @Override
        public int parallelism() {
            return Math.max(1, generator.parallelism());
        }

        @Override
        public boolean canConstrain() {
            return generator.canConstrain();
        }

        @Override
        public void checkSchema(JsonNode schema) {
            generator.checkSchema(schema);
        }

        @Override
        public int contextLength() {
            return generator.contextLength();
        }

        @Override
        public Prompt render(List<ChatMessage> messages) {
            return new Prompt(messages, "", generator.opensThinking(), generator.countTokens(messages));
        }

        @Override
        public int firstMaxTokens(int thinkLimit, int answerMax, boolean tokenBounded) {
            return tokenBounded ? (int) Math.min(Integer.MAX_VALUE, (long) thinkLimit + answerMax) : Integer.MAX_VALUE;
        }

        @Override
        public GenerationResult generate(Prompt prompt, String continuation, int maxTokens, Sampling sampling,
                Optional<JsonNode> schema, Optional<Instant> stopAt, TokenSink sink, BooleanSupplier cancelled) {
            Optional<AssistantPrefix> prefix = continuation.isEmpty() ? Optional.empty()
                    : Optional.of(prefixOf(continuation, prompt.opensThinking()));
            boolean answerOnly = prefix.map(AssistantPrefix::thinkingClosed).orElse(false);
            boolean[] inReasoning = {false};
            boolean[] contentSeen = {false};
            StringBuilder held = new StringBuilder();
            int[] last = {0};
            ChatSink chatSink = new ChatSink() {
                @Override
                public boolean stopRequested() {
                    return cancelled.getAsBoolean();
                }

                @Override
                public boolean onPiece(ChatSink.Channel channel, String piece, int count) {
                int before = last[0];
                last[0] = count;
                if (channel == ChatSink.Channel.REASONING) {
                    if (answerOnly) {
                        // The prefix closed the thinking. Reasoning now is either the model thinking again (then
                        // content follows, and the reasoning is dropped) or the answer mislabelled by a server
                        // parser that never saw </think> in the generated text (vLLM's deepseek_r1: then no content
                        // follows, and it is the answer). Held, counted, decided when content comes or at the end.
                        if (!contentSeen[0]) {
                            held.append(piece);
                        }
                        return sink.onPiece("", count);
                    }
                    String text = inReasoning[0] ? piece : ThinkParser.OPEN + piece;
                    inReasoning[0] = true;
                    return sink.onPiece(text, count);
                }
                contentSeen[0] = true;
                if (inReasoning[0]) {
                    // the end of split reasoning is a tag of no tokens of its own, so the thinking phase ends
                    // before this content is counted
                    inReasoning[0] = false;
                    if (!sink.onPiece(ThinkParser.CLOSE, before)) {
                        return false;
                    }
                }
                return sink.onPiece(piece, count);
                }
            };
            GenerationResult r = generator.chat(new ChatRequest(prompt.messages(), prefix, maxTokens, List.of(),
                    sampling, schema, stopAt), chatSink);
            if (held.length() > 0 && !contentSeen[0]) {
                sink.onPiece(held.toString(), last[0]);
            }
            return r;
        }

        /** Splits raw assistant text with the same parser that splits the stream. */
        static AssistantPrefix prefixOf(String raw, boolean opensThinking) {
            StringBuilder thinking = new StringBuilder();
            StringBuilder answer = new StringBuilder();
            ThinkParser parser = new ThinkParser(new ThinkParser.Output() {
                @Override
                public void thinking(String text) {
                    thinking.append(text);
                }

                @Override
                public void answer(String text) {
                    answer.append(text);
                }
            }, opensThinking ? ThinkParser.Phase.THINKING : ThinkParser.Phase.UNDECIDED);
            parser.accept(raw);
            parser.finish();
            boolean closed = parser.phase() == ThinkParser.Phase.ANSWER;
            return new AssistantPrefix(thinking.toString(), closed, answer.toString());
        }

        @Override
        public void close() {
            generator.close();
        }
    }
}

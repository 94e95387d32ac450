package dev.deliberate.core.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.ChatMessage;
import java.util.List;
import java.util.function.Function;

/**
 * A model behind a chat API, the shape of OpenAI-compatible servers: the server applies the chat template, and
 * thinking comes back either split by the server ({@link ChatSink.Channel#REASONING}) or inline as {@code <think>}
 * in the content ({@link ChatSink.Channel#CONTENT}; core parses it). Core builds every reasoning feature on these
 * operations exactly as on a {@link TextGenerator}: when it closes thinking (budget, deadline) or asks for the answer
 * again, it sends an {@link AssistantPrefix} the server must continue from. Not required to be thread-safe: core
 * runs at most {@link #parallelism()} calls at once (one by default).
 */
public non-sealed interface ChatGenerator extends ModelBackend {

    /** A chat generator is driven as one. */
    @Override
    default <R> R shape(Function<? super TextGenerator, ? extends R> text,
            Function<? super ChatGenerator, ? extends R> chat) {
        return chat.apply(this);
    }

    /**
     * Tokens {@code messages} take as a prompt: exact when the backend has the model's tokenizer, an estimate
     * otherwise (used to reject prompts that cannot fit before anything is sent).
     */
    int countTokens(List<ChatMessage> messages);

    /** The context window in tokens; 0 when the server does not say (then only the server checks the length). */
    int contextLength();

    /**
     * Whether the server's chat template already opens a thinking block (DeepSeek-R1 distills behind servers that do
     * not split reasoning): then the first content is thinking even without a {@code <think>} tag.
     */
    default boolean opensThinking() {
        return false;
    }

    /**
     * How many calls core may run on this generator at once. The default, 1, serialises calls (like local models);
     * a thread-safe remote backend in front of servers that batch requests returns more.
     */
    default int parallelism() {
        return 1;
    }

    /** Whether {@link ChatRequest#jsonSchema()} is honoured by server-side structured output. */
    boolean canConstrain();

    /**
     * Called when a call starts, for every JSON Schema answer format when {@link #canConstrain()}.
     *
     * @throws dev.deliberate.core.InvalidSchemaException when the server cannot take the schema
     */
    default void checkSchema(JsonNode schema) {
    }

    /**
     * Sends one chat completion, streaming pieces to {@code sink} as they come, and returns when it ended.
     * When {@code sink} returns {@code false}, or {@link ChatRequest#stopAt()} passes with nothing received, the
     * generator stops reading at once and returns {@link StopReason#STOPPED_BY_SINK}.
     *
     * @throws dev.deliberate.core.DeliberateException when the call fails (typed: retriable, rate-limited,
     *                                                authentication, timeout...)
     */
    GenerationResult chat(ChatRequest request, ChatSink sink);
}

package dev.deliberate.core.spi;

import dev.deliberate.core.ChatMessage;
import java.util.List;

/**
 * A model that continues raw prompt text: the shape of local runtimes such as llama.cpp. Core builds every
 * reasoning feature on these few operations. Not required to be thread-safe: core serialises calls per model.
 */
public non-sealed interface TextGenerator extends ModelBackend {

    /** A text generator is driven as one. */
    @Override
    default <R> R shape(java.util.function.Function<? super TextGenerator, ? extends R> text,
            java.util.function.Function<? super ChatGenerator, ? extends R> chat) {
        return text.apply(this);
    }

    /** Renders {@code messages} with the model's own chat template and the generation prompt. */
    RenderedPrompt render(List<ChatMessage> messages);

    /** Number of tokens {@code text} encodes to as a prompt (including any begin-of-text token the model adds). */
    int countTokens(String text);

    /** The context window in tokens: prompt plus generated tokens must fit. */
    int contextLength();

    /** Whether {@link GenerationRequest#jsonSchema()} is honoured by constrained decoding (a grammar). */
    boolean canConstrain();

    /**
     * Called when a call starts, before anything is generated, for every JSON Schema answer format when
     * {@link #canConstrain()}: a schema this backend cannot constrain to fails here, not after the thinking.
     *
     * @throws dev.deliberate.core.InvalidSchemaException when the schema cannot be turned into a constraint
     */
    default void checkSchema(com.fasterxml.jackson.databind.JsonNode schema) {
    }

    /**
     * Generates, streaming pieces to {@code sink} as they come, and returns when generation ended.
     *
     * @throws dev.deliberate.core.DeliberateException when the runtime fails
     */
    GenerationResult generate(GenerationRequest request, TokenSink sink);
}

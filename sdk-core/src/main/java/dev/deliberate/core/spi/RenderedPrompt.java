package dev.deliberate.core.spi;

import java.util.Objects;

/**
 * A conversation rendered with the model's chat template, ending with the generation prompt.
 *
 * @param text          the prompt text, ready for {@link TextGenerator#generate}
 * @param opensThinking whether the template already opened a thinking block (DeepSeek-R1 templates end with
 *                      {@code <think>\n}); then the model's first tokens are thinking
 */
public record RenderedPrompt(String text, boolean opensThinking) {

    /** Rejects null text. */
    public RenderedPrompt {
        Objects.requireNonNull(text, "text");
    }
}

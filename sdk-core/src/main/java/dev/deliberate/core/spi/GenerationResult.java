package dev.deliberate.core.spi;

import java.util.Objects;

/**
 * The end of one raw generation.
 *
 * @param promptTokens    tokens of the prompt (whether evaluated or reused from the cache)
 * @param generatedTokens tokens generated
 * @param stopReason      why generation ended
 */
public record GenerationResult(int promptTokens, int generatedTokens, StopReason stopReason) {

    /** Rejects negative counts and a null reason. */
    public GenerationResult {
        if (promptTokens < 0 || generatedTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0");
        }
        Objects.requireNonNull(stopReason, "stopReason");
    }
}

package dev.deliberate.core.spi;

import dev.deliberate.core.ServedBy;
import java.util.Objects;
import java.util.Optional;

/**
 * The end of one raw generation.
 *
 * @param promptTokens    tokens of the prompt (whether evaluated or reused from the cache)
 * @param generatedTokens tokens generated
 * @param stopReason      why generation ended
 * @param servedBy        for remote backends, which endpoint produced it; empty for local models
 */
public record GenerationResult(int promptTokens, int generatedTokens, StopReason stopReason,
        Optional<ServedBy> servedBy) {

    /** Rejects negative counts and nulls. */
    public GenerationResult {
        if (promptTokens < 0 || generatedTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0");
        }
        Objects.requireNonNull(stopReason, "stopReason");
        Objects.requireNonNull(servedBy, "servedBy");
    }

    /** A local generation (no endpoint). */
    public GenerationResult(int promptTokens, int generatedTokens, StopReason stopReason) {
        this(promptTokens, generatedTokens, stopReason, Optional.empty());
    }
}

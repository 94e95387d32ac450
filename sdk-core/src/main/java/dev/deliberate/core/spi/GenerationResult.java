package dev.deliberate.core.spi;

import dev.deliberate.core.ServedBy;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The end of one raw generation.
 *
 * @param promptTokens    tokens of the prompt (whether evaluated or reused from the cache)
 * @param generatedTokens tokens generated
 * @param stopReason      why generation ended
 * @param servedBy        for remote backends, which endpoint produced it; empty for local models
 * @param reasoningTokens of {@code generatedTokens}, how many the backend itself counted as reasoning, when it
 *                        reports them (a server's {@code completion_tokens_details.reasoning_tokens}); for a
 *                        generation that ran to its end, core then uses these counts instead of its own piece counts
 */
public record GenerationResult(int promptTokens, int generatedTokens, StopReason stopReason,
        Optional<ServedBy> servedBy, OptionalInt reasoningTokens) {

    /** Rejects negative counts and nulls. */
    public GenerationResult {
        if (promptTokens < 0 || generatedTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0");
        }
        Objects.requireNonNull(stopReason, "stopReason");
        Objects.requireNonNull(servedBy, "servedBy");
        Objects.requireNonNull(reasoningTokens, "reasoningTokens");
        if (reasoningTokens.isPresent() && (reasoningTokens.getAsInt() < 0
                || reasoningTokens.getAsInt() > generatedTokens)) {
            throw new IllegalArgumentException("reasoning tokens must be in [0, generatedTokens]");
        }
    }

    /** A local generation (no endpoint, no separate reasoning count). */
    public GenerationResult(int promptTokens, int generatedTokens, StopReason stopReason) {
        this(promptTokens, generatedTokens, stopReason, Optional.empty(), OptionalInt.empty());
    }
}

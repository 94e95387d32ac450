package dev.deliberate.adapt.train;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a training run is after an optimizer step.
 *
 * @param step            optimizer steps done (counting resumed runs)
 * @param totalSteps      the step budget, when there is one
 * @param loss            mean cross-entropy per trained token of this step
 * @param gradientNorm    global gradient norm before clipping
 * @param learningRate    the learning rate used by this step
 * @param tokensPerSecond tokens (prompt and trained) processed per second, over this run
 * @param tokens          tokens processed so far (counting resumed runs)
 * @param elapsed         training time so far (counting resumed runs)
 * @param remaining       estimated time to the end of the budget
 */
public record TrainingProgress(long step, OptionalLong totalSteps, double loss, double gradientNorm,
        double learningRate, double tokensPerSecond, long tokens, Duration elapsed, Optional<Duration> remaining) {

    /** Rejects nulls. */
    public TrainingProgress {
        Objects.requireNonNull(totalSteps, "totalSteps");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(remaining, "remaining");
    }

    /** The done fraction of the budget in [0, 1], when it can be told. */
    public Optional<Double> fraction() {
        if (remaining.isEmpty()) {
            return Optional.empty();
        }
        double total = elapsed.toMillis() + remaining.get().toMillis();
        return Optional.of(total <= 0 ? 1.0 : Math.min(1.0, elapsed.toMillis() / total));
    }
}

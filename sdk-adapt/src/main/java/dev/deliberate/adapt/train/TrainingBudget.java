package dev.deliberate.adapt.train;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * When training stops: after a number of optimizer steps, after a wall-clock time, or at whichever comes first. The
 * time counts training across resumed runs (it is kept in checkpoints) and is checked before each step, so a run
 * ends within one step of its budget.
 *
 * @param steps optimizer steps
 * @param time  wall-clock time spent training
 */
public record TrainingBudget(OptionalLong steps, Optional<Duration> time) {

    /** Requires at least one bound, both positive. */
    public TrainingBudget {
        Objects.requireNonNull(steps, "steps");
        Objects.requireNonNull(time, "time");
        if (steps.isEmpty() && time.isEmpty()) {
            throw new IllegalArgumentException("a training budget needs a number of steps or a time");
        }
        if (steps.isPresent() && steps.getAsLong() < 1) {
            throw new IllegalArgumentException("steps must be at least 1: " + steps.getAsLong());
        }
        if (time.isPresent() && (time.get().isNegative() || time.get().isZero())) {
            throw new IllegalArgumentException("time must be positive: " + time.get());
        }
    }

    /** Stops after {@code steps} optimizer steps. */
    public static TrainingBudget steps(long steps) {
        return new TrainingBudget(OptionalLong.of(steps), Optional.empty());
    }

    /** Stops when {@code time} has been spent training. */
    public static TrainingBudget time(Duration time) {
        return new TrainingBudget(OptionalLong.empty(), Optional.of(time));
    }

    /** This budget, also bounded by {@code time}. */
    public TrainingBudget withTime(Duration time) {
        return new TrainingBudget(steps, Optional.of(time));
    }
}

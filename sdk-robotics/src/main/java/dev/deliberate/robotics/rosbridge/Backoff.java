package dev.deliberate.robotics.rosbridge;

import java.time.Duration;
import java.util.Objects;

/**
 * Reconnection delays: {@code initial}, then multiplied by {@code multiplier} after each failed attempt, up to
 * {@code max}. Deterministic (no jitter): one node per bridge, so there is no herd to spread.
 *
 * @param initial    delay before the first reconnection attempt
 * @param max        the longest delay
 * @param multiplier growth per failed attempt, at least 1
 */
public record Backoff(Duration initial, Duration max, double multiplier) {

    /** Validates. */
    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 <= initial <= max, got " + initial + ", " + max);
        }
        if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be >= 1, got " + multiplier);
        }
    }

    /** 100 ms, doubling, at most 5 s. */
    public static Backoff defaults() {
        return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 2);
    }

    /** The delay before attempt {@code n} (0 for the first retry). */
    public Duration delay(int attempt) {
        double ms = initial.toMillis() * Math.pow(multiplier, Math.max(0, Math.min(attempt, 60)));
        return ms >= max.toMillis() ? max : Duration.ofMillis((long) ms);
    }
}

package dev.deliberate.robotics.action;

import java.time.Duration;
import java.util.Objects;

/**
 * How long an {@link ActionServer} keeps the results of ended goals (ROS 2's {@code result_timeout}), bounded both in
 * number and in age; whichever bound is reached first forgets the oldest result.
 *
 * @param maxResults the most results kept; at least 0
 * @param maxAge     the longest a result is kept; not negative
 */
public record ResultRetention(int maxResults, Duration maxAge) {

    /** Validates the bounds. */
    public ResultRetention {
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxResults < 0) {
            throw new IllegalArgumentException("maxResults must be >= 0, got " + maxResults);
        }
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must not be negative, got " + maxAge);
        }
    }

    /** 1000 results for at most 15 minutes (the ROS 2 default result timeout). */
    public static ResultRetention defaults() {
        return new ResultRetention(1000, Duration.ofMinutes(15));
    }
}

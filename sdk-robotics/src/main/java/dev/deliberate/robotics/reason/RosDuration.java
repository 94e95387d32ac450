package dev.deliberate.robotics.reason;

import java.time.Duration;

/**
 * A {@code builtin_interfaces/Duration}: whole seconds ({@code int32}) and nanoseconds ({@code uint32}).
 *
 * @param sec     seconds, in the int32 range
 * @param nanosec nanoseconds, in [0, 999 999 999]
 */
public record RosDuration(int sec, long nanosec) {

    /** The zero duration. */
    public static final RosDuration ZERO = new RosDuration(0, 0);

    /** Rejects nanoseconds outside [0, 1e9). */
    public RosDuration {
        if (nanosec < 0 || nanosec >= 1_000_000_000L) {
            throw new IllegalArgumentException("nanosec must be in [0, 999999999], got " + nanosec);
        }
    }

    /**
     * The ROS duration of a Java duration.
     *
     * @throws IllegalArgumentException when it does not fit in int32 seconds
     */
    public static RosDuration of(Duration d) {
        long sec = d.getSeconds();
        if (sec < Integer.MIN_VALUE || sec > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("duration out of the int32 seconds range: " + d);
        }
        return new RosDuration((int) sec, d.getNano());
    }

    /** This duration as a Java duration. */
    public Duration toDuration() {
        return Duration.ofSeconds(sec, nanosec);
    }

    /** Whether this duration is zero. */
    public boolean isZero() {
        return sec == 0 && nanosec == 0;
    }
}

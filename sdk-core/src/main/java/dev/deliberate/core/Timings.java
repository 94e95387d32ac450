package dev.deliberate.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a reasoning call took.
 *
 * @param timeToFirstToken      from the call to the first generated token (thinking or answer)
 * @param thinking              from the call to the close of thinking
 * @param total                 from the call to the end of the answer
 * @param decodeTokensPerSecond generated tokens after the first, divided by the time from the first to the last
 *                              generated token, both phases included; 0 when fewer than two tokens were generated
 */
public record Timings(Duration timeToFirstToken, Duration thinking, Duration total, double decodeTokensPerSecond) {

    /** Rejects nulls and negative values. */
    public Timings {
        Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
        Objects.requireNonNull(thinking, "thinking");
        Objects.requireNonNull(total, "total");
        if (decodeTokensPerSecond < 0 || Double.isNaN(decodeTokensPerSecond)) {
            throw new IllegalArgumentException("decode rate must be >= 0");
        }
    }
}

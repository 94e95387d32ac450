package dev.deliberate.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The backend refused the call because too many were made (HTTP 429). Retriable after {@link #retryAfter()} when the
 * server said how long to wait.
 */
public class RateLimitedException extends BackendUnavailableException {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    /**
     * @param message    what went wrong, naming the endpoint concerned
     * @param retryAfter how long the server asked to wait; empty when it did not say
     */
    public RateLimitedException(String message, Optional<Duration> retryAfter) {
        super(message);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter").orElse(null);
    }

    /** How long the server asked the caller to wait before retrying ({@code Retry-After}), when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}

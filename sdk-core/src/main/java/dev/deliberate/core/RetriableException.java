package dev.deliberate.core;

/**
 * The call failed for a passing reason and the same call may succeed if made again later: a server down or
 * overloaded, rate limited, too slow. Catch this type to retry (with backoff); every other
 * {@link DeliberateException} means retrying the same call gives the same failure.
 *
 * <p>Subtypes: {@link BackendUnavailableException} (and its {@link RateLimitedException}) and
 * {@link BackendTimeoutException}. Remote backends already retry these themselves within their configured bounds;
 * what reaches the caller is what remained after those retries.
 */
public class RetriableException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the endpoint or model concerned */
    public RetriableException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the endpoint or model concerned
     * @param cause   the underlying failure
     */
    public RetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}

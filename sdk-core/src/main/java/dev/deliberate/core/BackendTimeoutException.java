package dev.deliberate.core;

/**
 * A backend took too long: connecting, sending the first byte, or between two pieces of a stream (idle). Retriable:
 * the same call may succeed later or on another endpoint. (A reasoning deadline is not this: it closes the thinking
 * and the answer still comes, with {@link FinishReason#DEADLINE}.)
 */
public class BackendTimeoutException extends RetriableException {
    private static final long serialVersionUID = 1L;

    /** @param message what timed out, naming the endpoint and the bound */
    public BackendTimeoutException(String message) {
        super(message);
    }

    /**
     * @param message what timed out, naming the endpoint and the bound
     * @param cause   the underlying failure
     */
    public BackendTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.deliberate.core;

/**
 * A backend could not be reached or refused the call for a passing reason (server down, overloaded, rate limited). The same call may succeed later: this is the retriable failure.
 */
public class BackendUnavailableException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the file, argument or model concerned */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the file, argument or model concerned
     * @param cause the underlying failure
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

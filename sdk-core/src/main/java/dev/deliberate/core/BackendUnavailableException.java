package dev.deliberate.core;

/**
 * A backend could not be reached or refused the call for a passing reason (server down, connection refused or
 * reset, name not resolved, HTTP 5xx, overloaded). Retriable: the same call may succeed later.
 */
public class BackendUnavailableException extends RetriableException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the endpoint or model concerned */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the endpoint or model concerned
     * @param cause the underlying failure
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

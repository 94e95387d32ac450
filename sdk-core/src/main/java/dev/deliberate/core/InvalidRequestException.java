package dev.deliberate.core;

/**
 * The request cannot be run as given: a negative budget, a deadline already passed, an empty conversation. Fix the request.
 */
public class InvalidRequestException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the file, argument or model concerned */
    public InvalidRequestException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the file, argument or model concerned
     * @param cause the underlying failure
     */
    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}

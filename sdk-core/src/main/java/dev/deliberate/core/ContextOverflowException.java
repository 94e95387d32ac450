package dev.deliberate.core;

/**
 * The prompt does not fit the model's context window (with room left to think and answer).
 */
public class ContextOverflowException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the file, argument or model concerned */
    public ContextOverflowException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the file, argument or model concerned
     * @param cause the underlying failure
     */
    public ContextOverflowException(String message, Throwable cause) {
        super(message, cause);
    }
}

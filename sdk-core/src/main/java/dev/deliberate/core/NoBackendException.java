package dev.deliberate.core;

/**
 * No installed backend accepts the given model locator (for example a file that does not end in {@code .gguf}, or a URL scheme no backend knows).
 */
public class NoBackendException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the file, argument or model concerned */
    public NoBackendException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the file, argument or model concerned
     * @param cause the underlying failure
     */
    public NoBackendException(String message, Throwable cause) {
        super(message, cause);
    }
}

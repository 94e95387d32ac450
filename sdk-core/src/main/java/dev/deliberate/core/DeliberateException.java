package dev.deliberate.core;

/**
 * Root of every exception the Deliberate SDK throws on purpose.
 *
 * <p>It is unchecked: callers catch the subtype that tells them what they can do (retry, fix the input, show the
 * invalid answer to a person). Checked {@link java.io.IOException} is used only where real I/O is the caller's
 * concern.
 */
public class DeliberateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the file, argument or element concerned
     */
    public DeliberateException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the file, argument or element concerned
     * @param cause   the underlying failure
     */
    public DeliberateException(String message, Throwable cause) {
        super(message, cause);
    }
}

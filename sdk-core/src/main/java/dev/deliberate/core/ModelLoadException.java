package dev.deliberate.core;

/**
 * A model could not be loaded: the file is missing, is not a model file, is truncated, or the backend failed to load it. Fix the file or the locator; retrying the same call will fail the same way.
 */
public class ModelLoadException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the file, argument or model concerned */
    public ModelLoadException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the file, argument or model concerned
     * @param cause the underlying failure
     */
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}

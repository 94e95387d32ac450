package dev.deliberate.core;

/**
 * The model file is well formed but its architecture (or another property) is not one the runtime can run, for example {@code qwen3} on the bundled llama.cpp build.
 */
public class UnsupportedModelException extends ModelLoadException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the file, argument or model concerned */
    public UnsupportedModelException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the file, argument or model concerned
     * @param cause the underlying failure
     */
    public UnsupportedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.deliberate.core;

/**
 * A JSON Schema given as answer format is not valid JSON, or not a valid JSON Schema, or uses a feature the SDK cannot constrain.
 */
public class InvalidSchemaException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the file, argument or model concerned */
    public InvalidSchemaException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the file, argument or model concerned
     * @param cause the underlying failure
     */
    public InvalidSchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.deliberate.medical.web;

/**
 * The request did not get an answer: the server could not be reached, the connection broke, or the answer did not
 * start within the configured timeout. Retrying later may succeed.
 */
public class DicomWebConnectionException extends DicomWebException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, naming the request
     * @param cause   the underlying failure
     */
    public DicomWebConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}

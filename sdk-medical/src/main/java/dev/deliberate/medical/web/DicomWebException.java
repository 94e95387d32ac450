package dev.deliberate.medical.web;

import dev.deliberate.core.DeliberateException;

/**
 * Root of the DICOMweb client's failures: the server answered with an error status ({@link DicomWebStatusException}),
 * could not be reached ({@link DicomWebConnectionException}), or answered something the standard does not allow
 * ({@link DicomWebProtocolException}). Messages never contain credentials.
 */
public class DicomWebException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the request */
    public DicomWebException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the request
     * @param cause   the underlying failure
     */
    public DicomWebException(String message, Throwable cause) {
        super(message, cause);
    }
}

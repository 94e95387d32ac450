package dev.deliberate.medical.web;

import java.io.IOException;

/**
 * Reading a response failed (it broke off, or stalled longer than the read timeout): an {@link IOException} of the
 * network, kept apart from a handler's own I/O failures, carrying the exception the client throws instead.
 */
final class BrokenResponseException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient DicomWebConnectionException exception;

    BrokenResponseException(DicomWebConnectionException exception) {
        super(exception.getMessage(), exception);
        this.exception = exception;
    }

    /** What the client throws. */
    DicomWebConnectionException exception() {
        return exception;
    }
}

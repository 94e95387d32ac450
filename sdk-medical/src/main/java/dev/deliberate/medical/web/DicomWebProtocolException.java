package dev.deliberate.medical.web;

/**
 * The server answered, but not as PS3.18 says: a wrong content type, JSON that is no DICOM JSON, a response beyond the
 * configured bounds ({@link DicomWebLimits}), or a malformed multipart body ({@link MultipartException}).
 */
public class DicomWebProtocolException extends DicomWebException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the request */
    public DicomWebProtocolException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the request
     * @param cause   the underlying failure
     */
    public DicomWebProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}

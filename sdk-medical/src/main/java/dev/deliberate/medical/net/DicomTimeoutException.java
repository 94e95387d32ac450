package dev.deliberate.medical.net;

/** The peer did not answer (or kept a PDU half-sent) within the configured time; the association was aborted. */
public class DicomTimeoutException extends DicomNetworkException {
    private static final long serialVersionUID = 1L;

    /** @param message which timeout expired, while waiting for what */
    public DicomTimeoutException(String message) {
        super(message);
    }
}

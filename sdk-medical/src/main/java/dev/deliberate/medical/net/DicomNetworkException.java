package dev.deliberate.medical.net;

import dev.deliberate.core.DeliberateException;

/**
 * A DICOM network operation failed: the peer could not be reached, the connection broke, or a timeout expired. The
 * subtypes say why when the peer told us ({@link AssociationRejectedException}, {@link AssociationAbortedException})
 * or when its bytes were not DICOM ({@link DicomProtocolException}).
 */
public class DicomNetworkException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, naming the peer */
    public DicomNetworkException(String message) {
        super(message);
    }

    /**
     * @param message what failed, naming the peer
     * @param cause   the underlying failure
     */
    public DicomNetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}

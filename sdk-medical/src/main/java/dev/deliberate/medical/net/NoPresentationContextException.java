package dev.deliberate.medical.net;

/**
 * No accepted presentation context can carry the operation: the acceptor rejected the SOP class or every transfer
 * syntax it could travel in. Nothing was sent; the association stays usable.
 */
public class NoPresentationContextException extends DicomNetworkException {
    private static final long serialVersionUID = 1L;

    /** @param message which SOP class and transfer syntax had no context, and what the acceptor answered */
    public NoPresentationContextException(String message) {
        super(message);
    }
}

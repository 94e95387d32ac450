package dev.deliberate.medical.net;

/** The peer aborted the association (A-ABORT), or the connection closed without a release. */
public class AssociationAbortedException extends DicomNetworkException {
    private static final long serialVersionUID = 1L;

    private final int source;
    private final int reason;

    /**
     * @param message what happened
     * @param source  A-ABORT source (0 service user, 2 service provider; -1 when the connection simply closed)
     * @param reason  A-ABORT reason (meaningful for source 2)
     */
    public AssociationAbortedException(String message, int source, int reason) {
        super(message);
        this.source = source;
        this.reason = reason;
    }

    /** A-ABORT source: 0 service user, 2 service provider, -1 when the connection closed without an A-ABORT. */
    public int source() {
        return source;
    }

    /** A-ABORT reason (PS3.8 9.3.8). */
    public int reason() {
        return reason;
    }
}

package dev.deliberate.medical.net;

/**
 * The peer sent bytes that break PS3.8 or PS3.7: an unknown or unexpected PDU, a PDU longer than negotiated, an item
 * whose length exceeds its container, a malformed command set, a message beyond the configured size. The association
 * was aborted (A-ABORT with the matching provider reason) before this was thrown.
 */
public class DicomProtocolException extends DicomNetworkException {
    private static final long serialVersionUID = 1L;

    private final int abortReason;

    /**
     * @param message     what was wrong, with the offending value
     * @param abortReason the A-ABORT provider reason sent (PS3.8 9.3.8: 1 unrecognized PDU, 2 unexpected PDU,
     *                    4 unrecognized parameter, 5 unexpected parameter, 6 invalid parameter value)
     */
    public DicomProtocolException(String message, int abortReason) {
        super(message);
        this.abortReason = abortReason;
    }

    /** The A-ABORT provider reason that was (or is to be) sent to the peer. */
    public int abortReason() {
        return abortReason;
    }
}

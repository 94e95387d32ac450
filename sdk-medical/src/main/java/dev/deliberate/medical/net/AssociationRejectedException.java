package dev.deliberate.medical.net;

/** The peer rejected the association request (A-ASSOCIATE-RJ); {@link #getMessage()} states the reason in words. */
public class AssociationRejectedException extends DicomNetworkException {
    private static final long serialVersionUID = 1L;

    private final int result;
    private final int source;
    private final int reason;

    /**
     * @param peer   who rejected, for the message
     * @param result 1 rejected-permanent, 2 rejected-transient
     * @param source 1 service user, 2 service provider (ACSE), 3 service provider (presentation)
     * @param reason the reason code for that source (PS3.8 9.3.4)
     */
    public AssociationRejectedException(String peer, int result, int source, int reason) {
        super("association rejected by " + peer + ": " + describe(result, source, reason));
        this.result = result;
        this.source = source;
        this.reason = reason;
    }

    /** 1 permanent, 2 transient. */
    public int result() {
        return result;
    }

    /** Whether retrying later may succeed (rejected-transient). */
    public boolean transientRejection() {
        return result == 2;
    }

    /** 1 service user, 2 service provider (ACSE), 3 service provider (presentation). */
    public int source() {
        return source;
    }

    /** The reason code for the source. */
    public int reason() {
        return reason;
    }

    /** Words for a result/source/reason triple, as PS3.8 Table 9-21 names them. */
    public static String describe(int result, int source, int reason) {
        String r = result == 1 ? "permanent" : result == 2 ? "transient" : "result " + result;
        String why;
        if (source == 1) {
            why = switch (reason) {
                case 1 -> "no reason given";
                case 2 -> "application context name not supported";
                case 3 -> "calling AE title not recognized";
                case 7 -> "called AE title not recognized";
                default -> "service-user reason " + reason;
            };
        } else if (source == 2) {
            why = switch (reason) {
                case 1 -> "no reason given (ACSE)";
                case 2 -> "protocol version not supported";
                default -> "ACSE reason " + reason;
            };
        } else if (source == 3) {
            why = switch (reason) {
                case 1 -> "temporary congestion";
                case 2 -> "local limit exceeded";
                default -> "presentation reason " + reason;
            };
        } else {
            why = "source " + source + " reason " + reason;
        }
        return why + " (" + r + ")";
    }
}

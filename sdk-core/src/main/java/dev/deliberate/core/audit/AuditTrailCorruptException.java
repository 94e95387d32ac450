package dev.deliberate.core.audit;

/**
 * An existing audit trail does not verify (a record was changed, deleted or reordered, or the last line is torn), so
 * nothing is appended to it: appending would hide the damage behind a valid-looking tail.
 */
public class AuditTrailCorruptException extends AuditException {
    private static final long serialVersionUID = 1L;

    private final transient AuditVerification verification;

    /**
     * @param message      what went wrong, naming the file and line
     * @param verification the verification that failed
     */
    public AuditTrailCorruptException(String message, AuditVerification verification) {
        super(message);
        this.verification = verification;
    }

    /** The failed verification, naming the first bad line. */
    public AuditVerification verification() {
        return verification;
    }
}

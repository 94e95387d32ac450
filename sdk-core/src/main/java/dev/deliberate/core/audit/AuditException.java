package dev.deliberate.core.audit;

import dev.deliberate.core.DeliberateException;

/** The audit trail could not be written (I/O failure, a record too large, a trail left torn by a failed write). */
public class AuditException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the file */
    public AuditException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the file
     * @param cause   the underlying failure
     */
    public AuditException(String message, Throwable cause) {
        super(message, cause);
    }
}

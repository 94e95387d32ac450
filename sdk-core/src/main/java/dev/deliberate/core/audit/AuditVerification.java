package dev.deliberate.core.audit;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The outcome of {@link AuditTrail#verify}.
 *
 * @param status   valid, tampered or torn
 * @param records  how many records verified before the first bad line (all of them when valid)
 * @param badLine  the first bad line, 1-based, when not valid
 * @param message  what is wrong (or a summary when valid)
 * @param chain    the chain's name, from its first record, when that record verified
 * @param lastHash the hash of the last record that verified, when any
 */
public record AuditVerification(Status status, long records, OptionalLong badLine, String message,
        Optional<String> chain, Optional<String> lastHash) {

    /** What verification found. */
    public enum Status {
        /** Every line verifies and the file ends with a complete line. */
        VALID,
        /** A record was changed, deleted, inserted or reordered (or the file is not an audit trail). */
        TAMPERED,
        /** Every complete line verifies, but the last line is incomplete: a write was interrupted. */
        TORN
    }

    /** Validates. */
    public AuditVerification {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(badLine, "badLine");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(lastHash, "lastHash");
        if ((status == Status.VALID) == badLine.isPresent()) {
            throw new IllegalArgumentException("a bad line is named exactly when the trail is not valid");
        }
    }

    /** Whether the trail is valid. */
    public boolean valid() {
        return status == Status.VALID;
    }
}

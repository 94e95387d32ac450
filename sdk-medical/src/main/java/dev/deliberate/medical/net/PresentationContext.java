package dev.deliberate.medical.net;

import java.util.List;
import java.util.Objects;

/**
 * A presentation context proposed in an A-ASSOCIATE-RQ: one abstract syntax (a SOP class) with the transfer syntaxes
 * the requester can use for it, in order of preference.
 *
 * @param id               odd number 1..255, unique within a request
 * @param abstractSyntax   the SOP class UID
 * @param transferSyntaxes transfer syntax UIDs, at least one, in order of preference
 */
public record PresentationContext(int id, String abstractSyntax, List<String> transferSyntaxes) {

    /** Validates. */
    public PresentationContext {
        if (id < 1 || id > 255 || id % 2 == 0) {
            throw new IllegalArgumentException("presentation context id must be odd and 1..255, not " + id);
        }
        Uids.requireValid(abstractSyntax, "abstract syntax");
        transferSyntaxes = List.copyOf(transferSyntaxes);
        if (transferSyntaxes.isEmpty()) {
            throw new IllegalArgumentException("a presentation context needs at least one transfer syntax");
        }
        transferSyntaxes.forEach(ts -> Uids.requireValid(ts, "transfer syntax"));
        Objects.requireNonNull(abstractSyntax);
    }
}

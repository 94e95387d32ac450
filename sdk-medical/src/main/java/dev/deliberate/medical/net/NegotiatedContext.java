package dev.deliberate.medical.net;

import java.util.Objects;

/**
 * The outcome for one proposed presentation context.
 *
 * @param id             the context id
 * @param abstractSyntax the SOP class proposed
 * @param result         0 acceptance, 1 user rejection, 2 no reason, 3 abstract syntax not supported, 4 transfer
 *                       syntaxes not supported (PS3.8 9.3.3.2)
 * @param transferSyntax the transfer syntax accepted (empty string when rejected)
 */
public record NegotiatedContext(int id, String abstractSyntax, int result, String transferSyntax) {

    /** Validates. */
    public NegotiatedContext {
        Objects.requireNonNull(abstractSyntax, "abstractSyntax");
        Objects.requireNonNull(transferSyntax, "transferSyntax");
        if (result < 0 || result > 4) {
            throw new IllegalArgumentException("presentation context result must be 0..4, not " + result);
        }
        if (result == 0 && transferSyntax.isEmpty()) {
            throw new IllegalArgumentException("an accepted context needs a transfer syntax");
        }
    }

    /** Whether the context was accepted. */
    public boolean accepted() {
        return result == 0;
    }

    /** The result in words. */
    public String resultText() {
        return switch (result) {
            case 0 -> "accepted";
            case 1 -> "rejected by the user";
            case 2 -> "rejected (no reason)";
            case 3 -> "abstract syntax not supported";
            default -> "transfer syntaxes not supported";
        };
    }
}

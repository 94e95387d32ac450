package dev.deliberate.medical.net;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a requester proposes in an A-ASSOCIATE-RQ.
 *
 * @param calling  the requester's AE title
 * @param called   the acceptor's AE title
 * @param contexts presentation contexts (1..128, ids unique)
 * @param roles    SCU/SCP role selections (usually empty: the requester is SCU)
 */
public record AssociationRequest(AeTitle calling, AeTitle called, List<PresentationContext> contexts,
        List<RoleSelection> roles) {

    /** Validates. */
    public AssociationRequest {
        Objects.requireNonNull(calling, "calling");
        Objects.requireNonNull(called, "called");
        contexts = List.copyOf(contexts);
        roles = List.copyOf(roles);
        if (contexts.isEmpty() || contexts.size() > 128) {
            throw new IllegalArgumentException("an association proposes 1..128 presentation contexts, not "
                    + contexts.size());
        }
        Set<Integer> ids = new HashSet<>();
        for (PresentationContext pc : contexts) {
            if (!ids.add(pc.id())) {
                throw new IllegalArgumentException("presentation context id " + pc.id() + " used twice");
            }
        }
    }

    /** A request without role selection. */
    public static AssociationRequest of(AeTitle calling, AeTitle called, List<PresentationContext> contexts) {
        return new AssociationRequest(calling, called, contexts, List.of());
    }
}

package dev.deliberate.medical.net;

/**
 * SCU/SCP role selection for one SOP class (PS3.7 D.3.3.4): which roles the requester proposes to take. In an
 * A-ASSOCIATE-AC it says which of those the acceptor granted.
 *
 * @param sopClassUid the SOP class
 * @param scu         the requester acts as SCU
 * @param scp         the requester acts as SCP (e.g. to receive C-GET sub-operations)
 */
public record RoleSelection(String sopClassUid, boolean scu, boolean scp) {

    /** Validates the UID. */
    public RoleSelection {
        Uids.requireValid(sopClassUid, "SOP class");
    }
}

package dev.deliberate.medical.net;

import java.util.Objects;

/**
 * The outcome of one C-STORE.
 *
 * @param sopClassUid       the SOP class sent
 * @param sopInstanceUid    the instance sent
 * @param transferSyntaxUid the transfer syntax the dataset travelled in
 * @param bytes             dataset bytes sent
 * @param status            the peer's status
 */
public record StoreResult(String sopClassUid, String sopInstanceUid, String transferSyntaxUid, long bytes,
        DimseStatus status) {

    /** Validates. */
    public StoreResult {
        Objects.requireNonNull(sopClassUid, "sopClassUid");
        Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
        Objects.requireNonNull(transferSyntaxUid, "transferSyntaxUid");
        Objects.requireNonNull(status, "status");
    }
}

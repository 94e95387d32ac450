package dev.deliberate.medical.net;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timeouts of one association, on either side.
 *
 * @param maxPduLength    the largest P-DATA-TF PDU (variable part) this side accepts, announced to the peer:
 *                        4,096..16,777,216 bytes; a longer PDU from the peer aborts the association
 * @param maxSendPduLength the largest PDU this side sends, even when the peer announces more (or 0, unlimited)
 * @param connectTimeout  TCP connect timeout (requester)
 * @param artimTimeout    ARTIM: how long to wait for the association request, accept/reject or release response
 * @param idleTimeout     how long an established association may stay silent (or a PDU stay half-sent) before it is
 *                        aborted; also the time a requester waits for each DIMSE response
 * @param maxOperations   the asynchronous operations window (PS3.7 D.3.3.3), 1..{@value #MAX_OPERATIONS}: as requester,
 *                        how many operations (C-STORE requests) this side asks to have outstanding at once; as
 *                        acceptor, how many it lets a requester have outstanding. 1 is synchronous, the default of
 *                        the standard, and sends no window sub-item. A peer that does not answer the sub-item (DCMTK,
 *                        Orthanc) is spoken to synchronously, whatever was asked
 */
public record AssociationOptions(int maxPduLength, int maxSendPduLength, Duration connectTimeout, Duration artimTimeout,
        Duration idleTimeout, int maxOperations) {

    /** The smallest maximum PDU length accepted, so a command always fits into a few PDUs. */
    public static final int MIN_PDU_LENGTH = 4096;
    /** The largest maximum PDU length accepted: 16 MiB. */
    public static final int MAX_PDU_LENGTH = 16 * 1024 * 1024;
    /**
     * The largest asynchronous operations window: the responses of that many outstanding requests (a few hundred
     * bytes each) always fit in a socket buffer, so neither side can block the other while both write.
     */
    public static final int MAX_OPERATIONS = 64;

    /** Validates. */
    public AssociationOptions {
        if (maxPduLength < MIN_PDU_LENGTH || maxPduLength > MAX_PDU_LENGTH) {
            throw new IllegalArgumentException("maxPduLength must be " + MIN_PDU_LENGTH + ".." + MAX_PDU_LENGTH);
        }
        if (maxSendPduLength != 0 && (maxSendPduLength < 16 || maxSendPduLength > MAX_PDU_LENGTH)) {
            throw new IllegalArgumentException("maxSendPduLength must be 0 (peer's limit) or 16.." + MAX_PDU_LENGTH);
        }
        positive(connectTimeout, "connectTimeout");
        positive(artimTimeout, "artimTimeout");
        positive(idleTimeout, "idleTimeout");
        if (maxOperations < 1 || maxOperations > MAX_OPERATIONS) {
            throw new IllegalArgumentException("maxOperations must be 1.." + MAX_OPERATIONS + ", got " + maxOperations);
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be positive and below 24 days");
        }
    }

    /**
     * 256 KiB PDUs both ways (peer's limit permitting), connect 10 s, ARTIM 30 s, idle 60 s, up to 16 outstanding
     * operations where the peer agrees.
     */
    public static AssociationOptions defaults() {
        return new AssociationOptions(256 * 1024, 256 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(60), 16);
    }

    /** These options with another receive PDU limit. */
    public AssociationOptions withMaxPduLength(int max) {
        return new AssociationOptions(max, maxSendPduLength, connectTimeout, artimTimeout, idleTimeout, maxOperations);
    }

    /** These options with another send PDU cap. */
    public AssociationOptions withMaxSendPduLength(int max) {
        return new AssociationOptions(maxPduLength, max, connectTimeout, artimTimeout, idleTimeout, maxOperations);
    }

    /** These options with another ARTIM timeout. */
    public AssociationOptions withArtimTimeout(Duration d) {
        return new AssociationOptions(maxPduLength, maxSendPduLength, connectTimeout, d, idleTimeout, maxOperations);
    }

    /** These options with another idle timeout. */
    public AssociationOptions withIdleTimeout(Duration d) {
        return new AssociationOptions(maxPduLength, maxSendPduLength, connectTimeout, artimTimeout, d, maxOperations);
    }

    /** These options with another connect timeout. */
    public AssociationOptions withConnectTimeout(Duration d) {
        return new AssociationOptions(maxPduLength, maxSendPduLength, d, artimTimeout, idleTimeout, maxOperations);
    }

    /** These options with another asynchronous operations window (1: synchronous). */
    public AssociationOptions withMaxOperations(int max) {
        return new AssociationOptions(maxPduLength, maxSendPduLength, connectTimeout, artimTimeout, idleTimeout, max);
    }
}

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
 */
public record AssociationOptions(int maxPduLength, int maxSendPduLength, Duration connectTimeout, Duration artimTimeout,
        Duration idleTimeout) {

    /** The smallest maximum PDU length accepted, so a command always fits into a few PDUs. */
    public static final int MIN_PDU_LENGTH = 4096;
    /** The largest maximum PDU length accepted: 16 MiB. */
    public static final int MAX_PDU_LENGTH = 16 * 1024 * 1024;

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
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be positive and below 24 days");
        }
    }

    /**
     * 256 KiB PDUs both ways (peer's limit permitting), connect 10 s, ARTIM 30 s, idle 60 s.
     */
    public static AssociationOptions defaults() {
        return new AssociationOptions(256 * 1024, 256 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(60));
    }

    /** These options with another receive PDU limit. */
    public AssociationOptions withMaxPduLength(int max) {
        return new AssociationOptions(max, maxSendPduLength, connectTimeout, artimTimeout, idleTimeout);
    }

    /** These options with another send PDU cap. */
    public AssociationOptions withMaxSendPduLength(int max) {
        return new AssociationOptions(maxPduLength, max, connectTimeout, artimTimeout, idleTimeout);
    }

    /** These options with another ARTIM timeout. */
    public AssociationOptions withArtimTimeout(Duration d) {
        return new AssociationOptions(maxPduLength, maxSendPduLength, connectTimeout, d, idleTimeout);
    }

    /** These options with another idle timeout. */
    public AssociationOptions withIdleTimeout(Duration d) {
        return new AssociationOptions(maxPduLength, maxSendPduLength, connectTimeout, artimTimeout, d);
    }

    /** These options with another connect timeout. */
    public AssociationOptions withConnectTimeout(Duration d) {
        return new AssociationOptions(maxPduLength, maxSendPduLength, d, artimTimeout, idleTimeout);
    }
}

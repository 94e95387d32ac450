package dev.deliberate.medical.net;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * An instance the storage SCP has made durable (fsynced and renamed into place) and acknowledged.
 *
 * @param file              the stored Part 10 file
 * @param sopClassUid       its SOP class
 * @param sopInstanceUid    its SOP instance
 * @param studyInstanceUid  its study (empty string if the dataset had none)
 * @param seriesInstanceUid its series (empty string if the dataset had none)
 * @param transferSyntaxUid the transfer syntax it arrived (and is stored) in
 * @param callingAeTitle    the sender
 * @param bytes             the dataset's length
 * @param receivedAt        when it was acknowledged
 */
public record StoredInstance(Path file, String sopClassUid, String sopInstanceUid, String studyInstanceUid,
        String seriesInstanceUid, String transferSyntaxUid, AeTitle callingAeTitle, long bytes, Instant receivedAt) {

    /** Validates. */
    public StoredInstance {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sopClassUid, "sopClassUid");
        Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
        Objects.requireNonNull(studyInstanceUid, "studyInstanceUid");
        Objects.requireNonNull(seriesInstanceUid, "seriesInstanceUid");
        Objects.requireNonNull(transferSyntaxUid, "transferSyntaxUid");
        Objects.requireNonNull(callingAeTitle, "callingAeTitle");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}

package dev.deliberate.medical.web;

import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.Sequence;
import dev.deliberate.medical.dicom.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a STOW-RS server said about a store request (PS3.18 10.5.3): the instances it stored (Referenced SOP Sequence)
 * and those it did not (Failed SOP Sequence), with the HTTP status.
 *
 * @param httpStatus 200 (all stored), 202 (stored with warnings or some failed) or 409 (none stored)
 * @param retrieveUrl the study's Retrieve URL, if given
 * @param stored     the instances stored
 * @param failed     the instances not stored
 */
public record StowResult(int httpStatus, Optional<String> retrieveUrl, List<StoredInstance> stored,
        List<FailedInstance> failed) {

    /** Copies the lists. */
    public StowResult {
        Objects.requireNonNull(retrieveUrl, "retrieveUrl");
        stored = List.copyOf(stored);
        failed = List.copyOf(failed);
    }

    /** One stored instance. */
    public record StoredInstance(String sopClassUid, String sopInstanceUid, Optional<String> retrieveUrl,
            OptionalInt warningReason) {
        /** Checks for nulls. */
        public StoredInstance {
            Objects.requireNonNull(sopClassUid, "sopClassUid");
            Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
            Objects.requireNonNull(retrieveUrl, "retrieveUrl");
            Objects.requireNonNull(warningReason, "warningReason");
        }
    }

    /**
     * One instance the server did not store.
     *
     * @param failureReason the Failure Reason (0008,1197), e.g. 0xA700 out of resources, 0xA900 data set does not
     *                      match SOP class, 0xC000 cannot understand, 0x0110 processing failure; empty when the
     *                      server gave none
     */
    public record FailedInstance(String sopClassUid, String sopInstanceUid, OptionalInt failureReason) {
        /** Checks for nulls. */
        public FailedInstance {
            Objects.requireNonNull(sopClassUid, "sopClassUid");
            Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
            Objects.requireNonNull(failureReason, "failureReason");
        }

        /** The failure reason as 4 hex digits, or "unknown". */
        public String failureReasonHex() {
            return failureReason.isPresent() ? String.format("0x%04X", failureReason.getAsInt()) : "unknown";
        }
    }

    /** Whether every instance sent was stored without a failure. */
    public boolean allStored() {
        return failed.isEmpty();
    }

    /** Reads a STOW-RS response dataset. */
    static StowResult of(int status, DicomObject response) {
        List<StoredInstance> ok = new ArrayList<>();
        for (DicomObject item : response.getSequence(Tags.ReferencedSOPSequence).orElse(Sequence.of())) {
            ok.add(new StoredInstance(item.getString(Tags.ReferencedSOPClassUID).orElse(""),
                    item.getString(Tags.ReferencedSOPInstanceUID).orElse(""), item.getString(Tags.RetrieveURL),
                    item.getInt(Tags.WarningReason)));
        }
        List<FailedInstance> bad = new ArrayList<>();
        for (DicomObject item : response.getSequence(Tags.FailedSOPSequence).orElse(Sequence.of())) {
            bad.add(new FailedInstance(item.getString(Tags.ReferencedSOPClassUID).orElse(""),
                    item.getString(Tags.ReferencedSOPInstanceUID).orElse(""), item.getInt(Tags.FailureReason)));
        }
        return new StowResult(status, response.getString(Tags.RetrieveURL), ok, bad);
    }

    /** Several results as one (the status of the last unsuccessful one, else of the last). */
    static StowResult merge(List<StowResult> results) {
        List<StoredInstance> ok = new ArrayList<>();
        List<FailedInstance> bad = new ArrayList<>();
        int status = 200;
        Optional<String> url = Optional.empty();
        for (StowResult r : results) {
            ok.addAll(r.stored());
            bad.addAll(r.failed());
            if (status == 200 || r.httpStatus() != 200) {
                status = r.httpStatus();
            }
            if (r.retrieveUrl().isPresent()) {
                url = r.retrieveUrl();
            }
        }
        return new StowResult(status, url, ok, bad);
    }
}

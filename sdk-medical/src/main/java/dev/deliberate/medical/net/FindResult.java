package dev.deliberate.medical.net;

import dev.deliberate.medical.dicom.DicomObject;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a C-FIND.
 *
 * @param matches   the identifiers of the pending responses, in arrival order
 * @param status    the final status
 * @param cancelled whether the SCU cancelled after {@code maxMatches}
 */
public record FindResult(List<DicomObject> matches, DimseStatus status, boolean cancelled) {

    /** Validates. */
    public FindResult {
        matches = List.copyOf(matches);
        Objects.requireNonNull(status, "status");
    }
}

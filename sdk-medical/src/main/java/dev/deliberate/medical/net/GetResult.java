package dev.deliberate.medical.net;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a C-GET: the final status, the sub-operation counts of the last response, and the instances this
 * side received and stored.
 *
 * @param status    the final status
 * @param completed sub-operations completed (as the peer counts them)
 * @param failed    sub-operations failed
 * @param warning   sub-operations with a warning
 * @param stored    the files written, in arrival order ({@code DIR/STUDY_UID/SOP_INSTANCE_UID.dcm})
 * @param refused   C-STORE sub-operations this side answered with a failure (e.g. a dataset that did not parse)
 */
public record GetResult(DimseStatus status, int completed, int failed, int warning, List<Path> stored, int refused) {

    /** Validates and copies. */
    public GetResult {
        Objects.requireNonNull(status, "status");
        stored = List.copyOf(stored);
    }
}

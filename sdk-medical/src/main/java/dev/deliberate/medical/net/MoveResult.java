package dev.deliberate.medical.net;

import java.util.Objects;

/**
 * The outcome of a C-MOVE: the final status and the sub-operation counts of the last response.
 *
 * @param status    the final status
 * @param completed sub-operations completed
 * @param failed    sub-operations failed
 * @param warning   sub-operations with a warning
 * @param responses how many responses arrived (pending ones included)
 */
public record MoveResult(DimseStatus status, int completed, int failed, int warning, int responses) {

    /** Validates. */
    public MoveResult {
        Objects.requireNonNull(status, "status");
    }
}

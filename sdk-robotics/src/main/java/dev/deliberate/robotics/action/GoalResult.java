package dev.deliberate.robotics.action;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The end of a goal, as retained by the server and delivered to observers.
 *
 * @param id         the goal
 * @param status     SUCCEEDED, CANCELED or ABORTED
 * @param result     the result; absent for goals cancelled or aborted before they ran, or whose handler failed
 * @param message    why, for logs; may be empty
 * @param finishedAt when the goal ended
 * @param <R>        the result type
 */
public record GoalResult<R>(GoalId id, GoalStatus status, Optional<R> result, String message, Instant finishedAt) {

    /** Rejects nulls and non-terminal statuses. */
    public GoalResult {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(finishedAt, "finishedAt");
        if (!status.isTerminal()) {
            throw new IllegalArgumentException("a goal result must be terminal, got " + status);
        }
    }
}

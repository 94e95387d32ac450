package dev.deliberate.robotics.action;

import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link GoalHandler} ended a goal: the terminal status it asks for, the result, and a short message for logs.
 *
 * @param status  SUCCEEDED, CANCELED or ABORTED
 * @param result  the result; may be absent only for ABORTED
 * @param message why, for logs; empty when there is nothing to say
 * @param <R>     the result type
 */
public record GoalOutcome<R>(GoalStatus status, Optional<R> result, String message) {

    /** Rejects non-terminal statuses and missing results where a result is required. */
    public GoalOutcome {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(message, "message");
        if (!status.isTerminal()) {
            throw new IllegalArgumentException("an outcome must be terminal, got " + status);
        }
        if (status != GoalStatus.ABORTED && result.isEmpty()) {
            throw new IllegalArgumentException(status + " needs a result");
        }
    }

    /** The goal succeeded with {@code result}. */
    public static <R> GoalOutcome<R> succeeded(R result) {
        return new GoalOutcome<>(GoalStatus.SUCCEEDED, Optional.of(result), "");
    }

    /** The goal was cancelled; {@code result} holds what was reached. */
    public static <R> GoalOutcome<R> canceled(R result) {
        return new GoalOutcome<>(GoalStatus.CANCELED, Optional.of(result), "");
    }

    /** The goal failed, still with a result (for example a safe fallback decision). */
    public static <R> GoalOutcome<R> aborted(R result, String message) {
        return new GoalOutcome<>(GoalStatus.ABORTED, Optional.of(result), message);
    }

    /** The goal failed without a result. */
    public static <R> GoalOutcome<R> aborted(String message) {
        return new GoalOutcome<>(GoalStatus.ABORTED, Optional.empty(), message);
    }
}

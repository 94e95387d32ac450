package dev.deliberate.robotics.action;

import java.util.Optional;

/**
 * The status of a goal, with the integer codes of {@code action_msgs/msg/GoalStatus}.
 *
 * <pre>
 * ACCEPTED -&gt; EXECUTING -&gt; SUCCEEDED | ABORTED
 * ACCEPTED | EXECUTING -&gt; CANCELING -&gt; CANCELED | SUCCEEDED | ABORTED
 * ACCEPTED -&gt; ABORTED (server closed before the goal ran)
 * </pre>
 */
public enum GoalStatus {
    /** {@code STATUS_UNKNOWN = 0}: the server does not know the goal. */
    UNKNOWN(0),
    /** {@code STATUS_ACCEPTED = 1}: accepted, waiting to execute. */
    ACCEPTED(1),
    /** {@code STATUS_EXECUTING = 2}: the handler is running. */
    EXECUTING(2),
    /** {@code STATUS_CANCELING = 3}: a cancel was accepted; the handler is winding down. */
    CANCELING(3),
    /** {@code STATUS_SUCCEEDED = 4}: finished with a result. */
    SUCCEEDED(4),
    /** {@code STATUS_CANCELED = 5}: finished because it was cancelled. */
    CANCELED(5),
    /** {@code STATUS_ABORTED = 6}: finished without success (error, invalid goal, server closed). */
    ABORTED(6);

    private final int code;

    GoalStatus(int code) {
        this.code = code;
    }

    /** The {@code action_msgs/msg/GoalStatus} integer. */
    public int code() {
        return code;
    }

    /** The status for an {@code action_msgs} code; empty for codes outside 0..6. */
    public static Optional<GoalStatus> fromCode(int code) {
        for (GoalStatus s : values()) {
            if (s.code == code) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Whether the goal has ended: SUCCEEDED, CANCELED or ABORTED. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == CANCELED || this == ABORTED;
    }

    /** Whether the state machine allows going from this status to {@code next}. */
    public boolean canTransitionTo(GoalStatus next) {
        return switch (this) {
            case UNKNOWN -> next == ACCEPTED;
            case ACCEPTED -> next == EXECUTING || next == CANCELING || next == ABORTED;
            case EXECUTING -> next == CANCELING || next == SUCCEEDED || next == ABORTED;
            case CANCELING -> next == CANCELED || next == SUCCEEDED || next == ABORTED;
            case SUCCEEDED, CANCELED, ABORTED -> false;
        };
    }
}

package dev.deliberate.robotics.action;

/** The answer to a cancel request, with the return codes of {@code action_msgs/srv/CancelGoal}. */
public enum CancelResponse {
    /** {@code ERROR_NONE = 0}: the goal is being cancelled (or already was). */
    ACCEPTED(0),
    /** {@code ERROR_REJECTED = 1}: the server refused to cancel. */
    REJECTED(1),
    /** {@code ERROR_UNKNOWN_GOAL_ID = 2}: no such goal (never seen, or its result is no longer retained). */
    UNKNOWN_GOAL(2),
    /** {@code ERROR_GOAL_TERMINATED = 3}: the goal had already ended. */
    GOAL_TERMINATED(3);

    private final int code;

    CancelResponse(int code) {
        this.code = code;
    }

    /** The {@code action_msgs/srv/CancelGoal} return code. */
    public int code() {
        return code;
    }
}

package dev.deliberate.robotics.reason;

import java.util.Objects;

/**
 * The goal of {@code deliberate_msgs/action/Reason}. Field for field the ROS message; the values are what the caller
 * sent, validated only by the {@link DeadlineReasoner} (an invalid goal gets the safe fallback, not an exception here).
 *
 * @param task        what to decide, in words (string)
 * @param contextJson a JSON object with facts for the decision, or empty (string)
 * @param deadline    how long after acceptance the decision is due; zero means the server's default
 */
public record ReasonGoal(String task, String contextJson, RosDuration deadline) {

    /** The ROS 2 type name of the action. */
    public static final String ACTION_TYPE = "deliberate_msgs/action/Reason";

    /** Rejects nulls. */
    public ReasonGoal {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(contextJson, "contextJson");
        Objects.requireNonNull(deadline, "deadline");
    }
}

package dev.deliberate.robotics.reason;

import java.util.Objects;

/**
 * The result of {@code deliberate_msgs/action/Reason}. Field for field the ROS message.
 *
 * @param decisionJson the decision, a JSON value valid against the allowed-actions schema (the model's, or the safe
 *                     fallback); empty only for cancelled goals
 * @param rationale    a short human-readable reason: the end of the model's thinking, or why the fallback was used
 * @param fallbackUsed whether {@code decisionJson} is the configured safe fallback
 * @param finish       how the goal ended: a {@link ReasonFinish} name
 */
public record ReasonResult(String decisionJson, String rationale, boolean fallbackUsed, String finish) {

    /** Rejects nulls. */
    public ReasonResult {
        Objects.requireNonNull(decisionJson, "decisionJson");
        Objects.requireNonNull(rationale, "rationale");
        Objects.requireNonNull(finish, "finish");
    }

    /** The {@link ReasonFinish} named by {@link #finish()}, when it names one. */
    public java.util.Optional<ReasonFinish> finishReason() {
        try {
            return java.util.Optional.of(ReasonFinish.valueOf(finish));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }
}

package dev.deliberate.robotics.reason;

import java.util.Objects;

/**
 * The feedback of {@code deliberate_msgs/action/Reason}. Field for field the ROS message.
 *
 * @param phase           {@code thinking}, {@code answering} or {@code fallback}
 * @param thinkingExcerpt the latest part of the thinking (bounded), empty outside the thinking phase
 * @param thinkingTokens  thinking tokens so far ({@code uint32})
 */
public record ReasonFeedback(String phase, String thinkingExcerpt, long thinkingTokens) {

    /** Phase while the model thinks. */
    public static final String THINKING = "thinking";
    /** Phase while the model writes its answer. */
    public static final String ANSWERING = "answering";
    /** Phase once the safe fallback was chosen. */
    public static final String FALLBACK = "fallback";

    /** Rejects nulls and values outside uint32. */
    public ReasonFeedback {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(thinkingExcerpt, "thinkingExcerpt");
        if (thinkingTokens < 0 || thinkingTokens > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("thinkingTokens must fit uint32, got " + thinkingTokens);
        }
    }
}

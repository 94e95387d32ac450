package dev.deliberate.core;

import java.util.Objects;

/**
 * What a streaming call reports, in order: any number of {@link ThinkingDelta}s, then any number of
 * {@link AnswerDelta}s, then exactly one {@link Done} (or, on failure, the call's future fails instead).
 */
public sealed interface ReasoningEvent permits ReasoningEvent.ThinkingDelta, ReasoningEvent.AnswerDelta,
        ReasoningEvent.Done {

    /**
     * More thinking text.
     *
     * @param text the new text (never a think tag)
     * @param thinkingTokens thinking tokens generated so far
     */
    record ThinkingDelta(String text, int thinkingTokens) implements ReasoningEvent {
        /** Rejects null text. */
        public ThinkingDelta {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * More answer text. When the answer is retried after a validation failure, {@code attempt} grows and the text
     * starts again.
     *
     * @param text    the new text
     * @param attempt 0 for the first answer attempt
     */
    record AnswerDelta(String text, int attempt) implements ReasoningEvent {
        /** Rejects null text. */
        public AnswerDelta {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * The call ended.
     *
     * @param reasoning the complete result
     */
    record Done(Reasoning reasoning) implements ReasoningEvent {
        /** Rejects null. */
        public Done {
            Objects.requireNonNull(reasoning, "reasoning");
        }
    }
}

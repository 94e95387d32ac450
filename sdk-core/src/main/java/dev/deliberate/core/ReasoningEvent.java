package dev.deliberate.core;

import java.util.Objects;

/**
 * What a streaming call reports, in order: any number of {@link ThinkingDelta}s, then any number of
 * {@link AnswerDelta}s, then exactly one {@link Done} (or, on failure, the call's future fails instead). When a JSON
 * answer does not validate, an {@link AttemptRejected} ends that attempt's deltas; the retry's deltas follow with the
 * next {@code attempt} number.
 */
public sealed interface ReasoningEvent permits ReasoningEvent.ThinkingDelta, ReasoningEvent.AnswerDelta,
        ReasoningEvent.AttemptRejected, ReasoningEvent.Done {

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
     * An answer attempt did not validate against the requested JSON Schema. Sent for every rejected attempt, also
     * the last one (then the call fails with {@link InvalidAnswerException} instead of a {@link Done}).
     *
     * @param attempt   the rejected attempt, 0 for the first
     * @param answer    its text, verbatim
     * @param errors    why it was rejected (parse or validation errors)
     * @param willRetry whether another attempt follows
     */
    record AttemptRejected(int attempt, String answer, java.util.List<String> errors, boolean willRetry)
            implements ReasoningEvent {
        /** Rejects nulls; copies the errors. */
        public AttemptRejected {
            Objects.requireNonNull(answer, "answer");
            errors = java.util.List.copyOf(errors);
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

package dev.deliberate.core;

/** Why a reasoning call ended. Whatever the reason, except {@link #CANCELLED}, an answer was produced. */
public enum FinishReason {
    /** The model closed its thinking and ended its answer by itself (or reached a stop string). */
    STOP,
    /** The thinking token budget was spent; the SDK closed the thinking and the model then answered. */
    THINKING_BUDGET,
    /** The thinking deadline passed; the SDK closed the thinking and the model then answered. */
    DEADLINE,
    /**
     * The answer reached its own token bound before the model ended it. Reported even when thinking was cut
     * before (a truncated answer is what the caller must know first, and what OpenAI-style {@code length} means);
     * {@link Reasoning#thinkingCut()} then still says that, and why, the thinking was cut.
     */
    LENGTH,
    /** The caller cancelled the call; thinking and answer hold what was produced until then. */
    CANCELLED
}

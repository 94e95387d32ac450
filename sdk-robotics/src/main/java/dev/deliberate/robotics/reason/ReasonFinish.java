package dev.deliberate.robotics.reason;

/**
 * How a Reason goal ended; its name is the result's {@code finish} field. The first five mirror
 * {@link dev.deliberate.core.FinishReason} (the model answered, and the answer validated); the {@code FALLBACK_*} ones
 * say why the safe fallback was delivered instead.
 */
public enum ReasonFinish {
    /** The model ended its thinking and answer by itself. */
    STOP,
    /** The thinking token budget derived from the deadline was spent; the model then answered. */
    THINKING_BUDGET,
    /** The thinking deadline passed; the model then answered. */
    DEADLINE,
    /** The answer hit its token bound (and still validated). */
    LENGTH,
    /** A reflex (fast rule) decided without calling a model. */
    REFLEX,
    /** The goal was cancelled; no decision. */
    CANCELLED,
    /** The goal's deadline passed before a valid answer came; the watchdog delivered the fallback. */
    FALLBACK_DEADLINE,
    /** Less than the minimum attempt time was left before the deadline; the model was not called. */
    FALLBACK_NO_TIME,
    /** The model failed (error, closed, refused the request). */
    FALLBACK_MODEL_ERROR,
    /** The model's answer did not validate against the allowed-actions schema. */
    FALLBACK_INVALID_ANSWER,
    /** The goal itself was invalid (missing task, bad context JSON, negative deadline); the goal is ABORTED. */
    FALLBACK_INVALID_GOAL,
    /** The server refused the goal (its queue was full, or it was closing); the goal is ABORTED. */
    FALLBACK_REJECTED;

    /** Whether the safe fallback was delivered. */
    public boolean isFallback() {
        return name().startsWith("FALLBACK_");
    }
}

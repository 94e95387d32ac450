package dev.deliberate.robotics.reason;

import java.util.Locale;

/** Which path answered a Reason goal; its {@link #wireName()} is the result's {@code path} field. */
public enum ReasonPath {
    /** A fast rule ({@link Reflex}) decided without calling a model. */
    REFLEX,
    /** The fast configuration (thinking budget 0, or a small model) answered, and its answer was accepted. */
    FAST,
    /** Deep reasoning (the full model with the thinking budget from what was left of the deadline) answered. */
    DEEP,
    /** No path gave an allowed decision in time; the safe fallback was delivered. */
    FALLBACK,
    /** No decision (the goal was cancelled). */
    NONE;

    /** The lower-case name used on the wire: {@code reflex}, {@code fast}, {@code deep}, {@code fallback}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

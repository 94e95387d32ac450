package dev.deliberate.eval;

/**
 * How one case ended, with "ran out of budget" and "timed out" kept apart from plain "wrong": a wrong answer after the
 * SDK cut the thinking says "think longer", a wrong answer after free thinking says "the model does not know".
 */
public enum Outcome {
    /** Every scored field matched. */
    CORRECT,
    /** A valid answer, wrong in at least one field, after thinking that ended by itself. */
    WRONG,
    /** A valid answer, wrong in at least one field, after the thinking token budget cut the thinking. */
    BUDGET_CUT,
    /** A valid answer, wrong in at least one field, after the thinking deadline cut the thinking. */
    DEADLINE,
    /** No valid answer: it did not validate against the schema (after the allowed retries). */
    INVALID,
    /** The call failed (backend error, model unavailable, cancelled). */
    ERROR
}

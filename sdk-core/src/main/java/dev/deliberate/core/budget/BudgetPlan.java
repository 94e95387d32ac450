package dev.deliberate.core.budget;

import dev.deliberate.core.ThinkingBudget;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A thinking budget derived from a deadline by a {@link DeadlinePlanner}.
 *
 * @param available        time from planning to the deadline
 * @param thinkingTokens   the most thinking tokens
 * @param thinkingDeadline when thinking must close so that the answer still fits before the deadline
 */
public record BudgetPlan(Duration available, int thinkingTokens, Instant thinkingDeadline) {

    /** Below this much thinking time a plan asks for no thinking at all (see {@link #toThinkingBudget}). */
    static final Duration MIN_THINKING_TIME = Duration.ofMillis(5);

    /** Validates. */
    public BudgetPlan {
        Objects.requireNonNull(available, "available");
        Objects.requireNonNull(thinkingDeadline, "thinkingDeadline");
        if (thinkingTokens < 0) {
            throw new IllegalArgumentException("thinkingTokens must be >= 0, got " + thinkingTokens);
        }
    }

    /**
     * This plan as the thinking budget of a request made at {@code now}, with at most {@code tokenCap} thinking tokens
     * (e.g. what the context window leaves). A plan with (almost) no time or no tokens to think asks for no thinking
     * at all, rather than for a deadline that may pass before the call starts.
     */
    public ThinkingBudget toThinkingBudget(Instant now, int tokenCap) {
        int tokens = Math.min(thinkingTokens, tokenCap);
        if (tokens <= 0 || Duration.between(now, thinkingDeadline).compareTo(MIN_THINKING_TIME) < 0) {
            return ThinkingBudget.none();
        }
        return ThinkingBudget.tokens(tokens).withDeadline(thinkingDeadline);
    }
}

package dev.deliberate.core.budget;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a wall-clock deadline into a thinking budget: from the time left it subtracts the expected prompt processing
 * time and the time to write the answer (both from a {@link DecodeRateEstimator} that learns from every call), and
 * gives the rest to thinking, in tokens and as a thinking deadline. Used by every caller that must answer by a
 * deadline (robot goals, council stages); immutable and thread-safe (the estimator is shared and synchronised).
 *
 * <pre>{@code
 * DeadlinePlanner planner = new DeadlinePlanner(DecodeRateEstimator.conservative(), 128, 4096, Duration.ofMillis(20));
 * Instant now = Instant.now();
 * planner.plan(now, now.plusMillis(800)).ifPresent(plan -> builder.thinkingBudget(plan.toThinkingBudget(now, 4096)));
 * }</pre>
 *
 * @param estimator         the decode-rate estimator (share one per model; update it with each call's result)
 * @param answerMaxTokens   the most answer tokens a call may write
 * @param maxThinkingTokens the most thinking tokens whatever the deadline
 * @param minimumAttempt    below this much time left, {@link #plan} says not to call the model at all
 */
public record DeadlinePlanner(DecodeRateEstimator estimator, int answerMaxTokens, int maxThinkingTokens,
        Duration minimumAttempt) {

    /** Validates. */
    public DeadlinePlanner {
        Objects.requireNonNull(estimator, "estimator");
        Objects.requireNonNull(minimumAttempt, "minimumAttempt");
        if (answerMaxTokens < 1) {
            throw new IllegalArgumentException("answerMaxTokens must be >= 1, got " + answerMaxTokens);
        }
        if (maxThinkingTokens < 0) {
            throw new IllegalArgumentException("maxThinkingTokens must be >= 0, got " + maxThinkingTokens);
        }
        if (minimumAttempt.isNegative()) {
            throw new IllegalArgumentException("minimum attempt must not be negative, got " + minimumAttempt);
        }
    }

    /**
     * Plans a call made at {@code now} that must be answered by {@code deadline}, with the estimator's current values.
     *
     * @return the plan (zero thinking tokens when the estimate leaves no time to think); empty when less than the
     *         minimum attempt time is left, so that the caller answers without calling the model
     */
    public Optional<BudgetPlan> plan(Instant now, Instant deadline) {
        Duration left = Duration.between(now, deadline);
        if (left.compareTo(minimumAttempt) < 0) {
            return Optional.empty();
        }
        double rate = estimator.tokensPerSecond();
        int answerTokens = Math.min(estimator.answerTokens(), answerMaxTokens);
        Duration answerTime = Duration.ofNanos((long) (answerTokens / rate * 1e9));
        Duration thinking = left.minus(estimator.timeToFirstToken()).minus(answerTime);
        if (thinking.isNegative()) {
            // Not enough time to think by the estimate: ask for an answer at once. The caller's watchdog still acts at
            // the deadline if even that is too slow, and the call teaches the estimator the real rate (a prior that is
            // too pessimistic must not stop the model from ever being measured).
            return Optional.of(new BudgetPlan(left, 0, now));
        }
        long tokens = (long) Math.floor(thinking.toNanos() / 1e9 * rate);
        int budget = (int) Math.min(maxThinkingTokens, tokens);
        return Optional.of(new BudgetPlan(left, budget, now.plus(thinking)));
    }
}

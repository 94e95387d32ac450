package dev.deliberate.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Hard bounds on thinking: a number of thinking tokens and, optionally, wall-clock time. When a bound is reached,
 * the SDK closes the thinking and the model answers; the answer always comes, and {@link Reasoning#thinkingCut()}
 * says which bound closed it ({@link FinishReason#THINKING_BUDGET} or {@link FinishReason#DEADLINE}).
 *
 * <p>Two kinds of time bound, which may be combined (the earlier wins):
 * <ul>
 *   <li>a <b>timeout</b> ({@link #within(Duration)}): relative, resolved when the call starts
 *       ({@link ReasoningModel#start}), so loading a model, building the request or waiting in a queue before the
 *       call does not count. A timeout never makes a call fail: {@code within(Duration.ZERO)} answers at once with
 *       thinking cut by {@code DEADLINE};</li>
 *   <li>an absolute <b>deadline</b> ({@link #withDeadline(Instant)}) for callers that have one (a robot's goal, an
 *       upstream request's deadline). A deadline that has already passed when the call starts is rejected with
 *       {@link InvalidRequestException}: the caller's time is up and no answer can be useful.</li>
 * </ul>
 *
 * @param maxTokens the most thinking tokens; {@code 0} answers at once, {@link #UNLIMITED} bounds thinking only by the
 *                  context window
 * @param deadline  the instant at which thinking is closed, if any
 * @param timeout   how long after the call starts thinking is closed, if any; not negative
 */
public record ThinkingBudget(int maxTokens, Optional<Instant> deadline, Optional<Duration> timeout) {

    /** Token bound meaning "no bound but the context window". */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /** Rejects a negative token bound or timeout. */
    public ThinkingBudget {
        if (maxTokens < 0) {
            throw new InvalidRequestException("thinking budget must be >= 0 tokens, got " + maxTokens);
        }
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isPresent() && timeout.get().isNegative()) {
            throw new InvalidRequestException("thinking timeout must not be negative, got " + timeout.get());
        }
    }

    /** A token bound and an optional absolute deadline, without timeout. */
    public ThinkingBudget(int maxTokens, Optional<Instant> deadline) {
        this(maxTokens, deadline, Optional.empty());
    }

    /** Think as long as the context allows. */
    public static ThinkingBudget unlimited() {
        return new ThinkingBudget(UNLIMITED, Optional.empty());
    }

    /** Think at most {@code maxTokens} tokens. */
    public static ThinkingBudget tokens(int maxTokens) {
        return new ThinkingBudget(maxTokens, Optional.empty());
    }

    /** No thinking: answer at once. */
    public static ThinkingBudget none() {
        return new ThinkingBudget(0, Optional.empty());
    }

    /** This budget, also closed at the absolute instant {@code deadline} (see the class documentation). */
    public ThinkingBudget withDeadline(Instant deadline) {
        return new ThinkingBudget(maxTokens, Optional.of(deadline), timeout);
    }

    /**
     * This budget, also closed {@code timeout} after the call starts (not after this method is called: the timeout
     * is resolved by {@link ReasoningModel#start}).
     *
     * @throws InvalidRequestException when {@code timeout} is negative
     */
    public ThinkingBudget within(Duration timeout) {
        return new ThinkingBudget(maxTokens, deadline, Optional.of(timeout));
    }

    /**
     * The instant at which thinking closes for a call started at {@code callStart}: the earlier of the absolute
     * deadline and {@code callStart} plus the timeout; empty when the budget has no time bound.
     */
    public Optional<Instant> deadlineFor(Instant callStart) {
        Objects.requireNonNull(callStart, "callStart");
        Optional<Instant> relative = timeout.map(t -> saturatedPlus(callStart, t));
        if (deadline.isEmpty()) {
            return relative;
        }
        if (relative.isEmpty()) {
            return deadline;
        }
        return Optional.of(relative.get().isBefore(deadline.get()) ? relative.get() : deadline.get());
    }

    /** Whether this budget has a token bound below {@link #UNLIMITED}. */
    public boolean isTokenBounded() {
        return maxTokens != UNLIMITED;
    }

    private static Instant saturatedPlus(Instant start, Duration timeout) {
        try {
            return start.plus(timeout);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            return Instant.MAX;
        }
    }
}

package dev.deliberate.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Hard bounds on thinking: a number of thinking tokens and, optionally, a wall-clock deadline. When either is reached,
 * the SDK closes the thinking and the model answers; the answer always comes, with finish
 * {@link FinishReason#THINKING_BUDGET} or {@link FinishReason#DEADLINE}.
 *
 * @param maxTokens the most thinking tokens; {@code 0} answers at once, {@link #UNLIMITED} bounds thinking only by the
 *                  context window
 * @param deadline  the instant at which thinking is closed, if any
 */
public record ThinkingBudget(int maxTokens, Optional<Instant> deadline) {

    /** Token bound meaning "no bound but the context window". */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /** Rejects a negative token bound. */
    public ThinkingBudget {
        if (maxTokens < 0) {
            throw new InvalidRequestException("thinking budget must be >= 0 tokens, got " + maxTokens);
        }
        Objects.requireNonNull(deadline, "deadline");
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

    /** This budget, also closed at {@code deadline}. */
    public ThinkingBudget withDeadline(Instant deadline) {
        return new ThinkingBudget(maxTokens, Optional.of(deadline));
    }

    /** This budget, also closed {@code timeout} from now. */
    public ThinkingBudget within(Duration timeout) {
        if (timeout.isNegative()) {
            throw new InvalidRequestException("thinking timeout must not be negative, got " + timeout);
        }
        return withDeadline(Instant.now().plus(timeout));
    }

    /** Whether this budget has a token bound below {@link #UNLIMITED}. */
    public boolean isTokenBounded() {
        return maxTokens != UNLIMITED;
    }
}

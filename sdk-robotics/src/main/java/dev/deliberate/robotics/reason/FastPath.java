package dev.deliberate.robotics.reason;

import com.fasterxml.jackson.core.JsonPointer;
import dev.deliberate.core.ReasoningModel;
import java.util.Objects;
import java.util.Optional;

/**
 * The fast configuration tried before deep reasoning: the same model with a small thinking budget (0: answer at
 * once), or a smaller model. Its answer is accepted when it is an allowed decision and, where a confidence field is
 * configured, says it is confident enough; otherwise the goal escalates to deep reasoning with what is left of the
 * deadline.
 *
 * @param model              the model to use; empty for the reasoner's own model
 * @param thinkingTokens     the thinking budget of the fast call (0: no thinking)
 * @param shareOfDeadline    the most of the goal's deadline the fast call may use, in (0, 1]
 * @param confidencePointer  a JSON Pointer into the decision to a number in [0, 1] (e.g. {@code /confidence}); empty to
 *                           accept any allowed answer
 * @param minConfidence      the least confidence accepted when a pointer is set
 */
public record FastPath(Optional<ReasoningModel> model, int thinkingTokens, double shareOfDeadline,
        Optional<String> confidencePointer, double minConfidence) {

    /** Validates the values. */
    public FastPath {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(confidencePointer, "confidencePointer");
        if (thinkingTokens < 0) {
            throw new IllegalArgumentException("fast thinking tokens must not be negative");
        }
        if (!(shareOfDeadline > 0 && shareOfDeadline <= 1)) {
            throw new IllegalArgumentException("fast share of the deadline must be in (0, 1], got " + shareOfDeadline);
        }
        if (!(minConfidence >= 0 && minConfidence <= 1)) {
            throw new IllegalArgumentException("min confidence must be in [0, 1], got " + minConfidence);
        }
        confidencePointer.ifPresent(JsonPointer::compile);
    }

    /** The reasoner's own model without thinking, using at most a third of the deadline; any allowed answer. */
    public static FastPath noThinking() {
        return new FastPath(Optional.empty(), 0, 1.0 / 3, Optional.empty(), 0);
    }

    /** A smaller model with {@code thinkingTokens} thinking tokens, using at most a third of the deadline. */
    public static FastPath smallModel(ReasoningModel model, int thinkingTokens) {
        return new FastPath(Optional.of(model), thinkingTokens, 1.0 / 3, Optional.empty(), 0);
    }

    /** This path, accepting only answers whose number at {@code pointer} is at least {@code min}. */
    public FastPath withConfidence(String pointer, double min) {
        return new FastPath(model, thinkingTokens, shareOfDeadline, Optional.of(pointer), min);
    }

    /** This path with another share of the deadline. */
    public FastPath withShareOfDeadline(double share) {
        return new FastPath(model, thinkingTokens, share, confidencePointer, minConfidence);
    }
}

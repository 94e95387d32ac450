package dev.deliberate.eval;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Is a council's disagreement a useful warning of a wrong answer? The disagreement flag is scored as a detector of
 * wrong answers (any outcome but {@link Outcome#CORRECT}) over the cases where the council reached a verdict: a
 * flagged wrong answer is a true positive, a flagged right one a false alarm, an unflagged wrong one a miss.
 *
 * @param agreedCorrect    the council agreed and the answer was right (true negatives)
 * @param agreedWrong      the council agreed and the answer was wrong (misses)
 * @param disagreedCorrect the council disagreed and the answer was right (false alarms)
 * @param disagreedWrong   the council disagreed and the answer was wrong (true positives)
 * @param noVerdict        cases without a verdict (the call failed, below quorum, or the cascade never reached its
 *                         council); not counted above
 */
public record DisagreementWarning(int agreedCorrect, int agreedWrong, int disagreedCorrect, int disagreedWrong,
        int noVerdict) {

    /** Validates. */
    public DisagreementWarning {
        if (agreedCorrect < 0 || agreedWrong < 0 || disagreedCorrect < 0 || disagreedWrong < 0 || noVerdict < 0) {
            throw new IllegalArgumentException("counts must be >= 0");
        }
    }

    /**
     * The counts over {@code results}; empty when none of them has a council verdict (the setting had no council),
     * so that a single model's setting shows no council figures rather than zeros.
     */
    public static Optional<DisagreementWarning> of(List<CaseResult> results) {
        if (results.stream().noneMatch(r -> r.council().isPresent())) {
            return Optional.empty();
        }
        int ac = 0;
        int aw = 0;
        int dc = 0;
        int dw = 0;
        int none = 0;
        for (CaseResult r : results) {
            if (r.council().isEmpty()) {
                none++;
            } else if (r.council().get().disagreement()) {
                if (r.correct()) {
                    dc++;
                } else {
                    dw++;
                }
            } else if (r.correct()) {
                ac++;
            } else {
                aw++;
            }
        }
        return Optional.of(new DisagreementWarning(ac, aw, dc, dw, none));
    }

    /** Cases with a verdict. */
    public int withVerdict() {
        return agreedCorrect + agreedWrong + disagreedCorrect + disagreedWrong;
    }

    /** Of the flagged cases, the share that were wrong; empty when nothing was flagged. */
    public OptionalDouble precision() {
        int flagged = disagreedCorrect + disagreedWrong;
        return flagged == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) disagreedWrong / flagged);
    }

    /** Of the wrong answers, the share that were flagged; empty when no answer was wrong. */
    public OptionalDouble recall() {
        int wrong = agreedWrong + disagreedWrong;
        return wrong == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) disagreedWrong / wrong);
    }

    /** Accuracy of the answers the council agreed on; empty when it agreed on none. */
    public OptionalDouble accuracyWhenAgreed() {
        int agreed = agreedCorrect + agreedWrong;
        return agreed == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) agreedCorrect / agreed);
    }

    /** Accuracy of the answers the council disagreed on; empty when it disagreed on none. */
    public OptionalDouble accuracyWhenDisagreed() {
        int flagged = disagreedCorrect + disagreedWrong;
        return flagged == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) disagreedCorrect / flagged);
    }
}

package dev.deliberate.eval;

/**
 * What a council said of one case besides its answer: whether it agreed, and how much.
 *
 * @param disagreement whether the council flagged disagreement (agreement below the threshold)
 * @param agreement    the measured agreement in [0, 1]
 * @param threshold    the threshold it was compared with
 */
public record CouncilVerdict(boolean disagreement, double agreement, double threshold) {

    /** Validates. */
    public CouncilVerdict {
        if (!(agreement >= 0 && agreement <= 1) || !(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("agreement and threshold must be in [0, 1], got " + agreement + ", "
                    + threshold);
        }
    }

    /** The verdict of a council's result. */
    static CouncilVerdict of(dev.deliberate.core.council.CouncilResult r) {
        return new CouncilVerdict(r.disagreement(), r.agreement(), r.threshold());
    }
}

package dev.deliberate.adapt.train;

import dev.deliberate.core.DeliberateException;
import java.util.List;

/**
 * Training stopped because a step's loss or gradient norm was not a finite number (NaN or infinite). The step's
 * update is not applied, no checkpoint is written after it (the last one written stays as it was) and the trainer
 * refuses to export: the weights it holds come from the step before, which already led to a non-finite loss.
 * Usually the learning rate is too high for the data; a lower one, a longer warm-up or gradient clipping help.
 */
public class TrainingDivergedException extends DeliberateException {

    private static final long serialVersionUID = 1L;

    private final long step;
    private final double loss;
    private final double gradientNorm;
    private final float learningRate;
    private final List<String> nonFiniteGradients;

    /**
     * @param step         the 1-based step whose loss or gradient norm was not finite
     * @param loss         that step's mean loss per trained token
     * @param gradientNorm that step's global gradient norm (before clipping)
     * @param learningRate the learning rate the step would have used
     * @param nonFiniteGradients the parameters whose gradient holds a NaN or an infinity
     */
    public TrainingDivergedException(long step, double loss, double gradientNorm, float learningRate,
            List<String> nonFiniteGradients) {
        super("training diverged at step " + step + ": loss " + loss + ", gradient norm " + gradientNorm
                + " at learning rate " + learningRate + (nonFiniteGradients.isEmpty() ? ""
                        : " (non-finite gradients of " + summary(nonFiniteGradients) + ")") + "; nothing was updated or written after step " + (step - 1)
                + " (the last checkpoint is intact). Lower the learning rate, lengthen the warm-up or clip"
                + " gradients (max gradient norm), then train again from the checkpoint or from the start");
        this.step = step;
        this.loss = loss;
        this.gradientNorm = gradientNorm;
        this.learningRate = learningRate;
        this.nonFiniteGradients = List.copyOf(nonFiniteGradients);
    }

    private static String summary(List<String> names) {
        return names.size() <= 6 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 6)) + " and " + (names.size() - 6) + " more";
    }

    /** The parameters whose gradient held a NaN or an infinity at that step (empty when only the loss did). */
    public List<String> nonFiniteGradients() {
        return nonFiniteGradients;
    }

    /** The 1-based step that diverged. */
    public long step() {
        return step;
    }

    /** Its loss (possibly finite when only the gradient norm was not). */
    public double loss() {
        return loss;
    }

    /** Its global gradient norm before clipping. */
    public double gradientNorm() {
        return gradientNorm;
    }

    /** The learning rate at that step. */
    public float learningRate() {
        return learningRate;
    }
}

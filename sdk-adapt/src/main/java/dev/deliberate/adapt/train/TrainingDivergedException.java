package dev.deliberate.adapt.train;

import dev.deliberate.core.DeliberateException;

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

    /**
     * @param step         the 1-based step whose loss or gradient norm was not finite
     * @param loss         that step's mean loss per trained token
     * @param gradientNorm that step's global gradient norm (before clipping)
     * @param learningRate the learning rate the step would have used
     */
    public TrainingDivergedException(long step, double loss, double gradientNorm, float learningRate) {
        super("training diverged at step " + step + ": loss " + loss + ", gradient norm " + gradientNorm
                + " at learning rate " + learningRate + "; nothing was updated or written after step " + (step - 1)
                + " (the last checkpoint is intact). Lower the learning rate, lengthen the warm-up or clip"
                + " gradients (max gradient norm), then train again from the checkpoint or from the start");
        this.step = step;
        this.loss = loss;
        this.gradientNorm = gradientNorm;
        this.learningRate = learningRate;
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

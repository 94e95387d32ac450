package dev.deliberate.adapt.train;

/** How the learning rate moves after the linear warm-up ({@link TrainingConfig#learningRateAt}). */
public enum LearningRateSchedule {

    /** The peak learning rate until the end: the usual choice for short LoRA runs. */
    CONSTANT,

    /**
     * Half a cosine from the peak down to a tenth of it at the last step of the step budget: the usual choice for
     * longer runs and for training from scratch, where a constant rate may make the loss diverge late in the run.
     * Needs a step budget ({@link TrainingBudget#steps(long)}).
     */
    COSINE;

    /** The fraction of the peak a cosine schedule ends at. */
    public static final double COSINE_FLOOR = 0.1;
}

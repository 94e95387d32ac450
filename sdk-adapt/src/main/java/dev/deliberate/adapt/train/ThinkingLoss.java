package dev.deliberate.adapt.train;

/** Whether the loss covers the thinking of the training examples. */
public enum ThinkingLoss {
    /** The model learns to think as the examples do (the default). */
    TRAIN,
    /**
     * The thinking is in the model's context but not a target: the model learns the answer given the thinking. The
     * close of the thinking ({@code </think>}) stays trained, so the model still learns where thinking ends.
     */
    MASK
}

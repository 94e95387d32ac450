package dev.deliberate.adapt.model;

/** How {@link DecoderModel#logits} runs. */
public enum ForwardMode {
    /**
     * For a training step inside a {@code GradientCollector}: LoRA dropout is active and every intermediate stays
     * attached to the caller's manager until it is closed, so that {@code backward} can use them.
     */
    TRAINING,
    /** For evaluation and generation: no dropout, intermediates are closed layer by layer. */
    INFERENCE
}

package dev.deliberate.adapt.model;

/** Which parameters of a {@link DecoderModel} record gradients. */
public enum Trainable {
    /** Nothing: inference only. */
    NONE,
    /** Only the LoRA matrices; the base weights stay frozen (fine-tuning). */
    LORA,
    /** Every base weight (and the LoRA matrices, if any): training from scratch or full fine-tuning. */
    ALL
}

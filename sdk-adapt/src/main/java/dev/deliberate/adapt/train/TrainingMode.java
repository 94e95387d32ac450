package dev.deliberate.adapt.train;

/** What training changes. */
public enum TrainingMode {
    /** Low-rank adapters on the configured projections; the base weights stay frozen. Exported as a GGUF adapter. */
    LORA,
    /** Every weight of the model (training a small model from scratch, or full fine-tuning). Exported as a GGUF model. */
    FULL
}

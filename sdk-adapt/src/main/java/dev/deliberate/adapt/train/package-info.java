/**
 * Fine-tuning a GGUF model in Java: chat examples from JSON Lines ({@link dev.deliberate.adapt.train.TrainingSet}),
 * tokenised exactly as the model sees them at inference ({@link dev.deliberate.adapt.train.ExampleEncoder}), LoRA or
 * full training with AdamW ({@link dev.deliberate.adapt.train.Trainer}, {@link dev.deliberate.adapt.train.TrainingConfig}),
 * a memory estimate checked up front ({@link dev.deliberate.adapt.train.MemoryEstimate}), atomic checkpoints that a
 * killed run resumes from, and export as a GGUF LoRA adapter or a GGUF model. Nothing public returns null.
 */
package dev.deliberate.adapt.train;

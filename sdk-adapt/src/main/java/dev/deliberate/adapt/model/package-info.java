/**
 * The Qwen2/LLaMA decoder on DJL NDArrays that Deliberate fine-tunes: {@link dev.deliberate.adapt.model.DecoderModel}
 * loaded from GGUF with its {@link dev.deliberate.adapt.model.ModelConfig}, with optional LoRA adapters
 * ({@link dev.deliberate.adapt.model.LoraConfig}). Its logits match llama.cpp's on the same file. Nothing in this
 * package returns null.
 */
package dev.deliberate.adapt.model;

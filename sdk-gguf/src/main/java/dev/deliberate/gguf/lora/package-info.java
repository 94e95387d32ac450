/**
 * LoRA adapters in llama.cpp's GGUF format: {@link dev.deliberate.gguf.lora.LoraAdapter} (the validated value, with
 * {@code read} and {@code write}), {@link dev.deliberate.gguf.lora.LoraAdapterInfo} (an adapter's header alone, and
 * the check against a base model), {@link dev.deliberate.gguf.lora.LoraWeights} (one pair of factors and their exact
 * layout). An adapter that does not fit a base fails with {@link dev.deliberate.gguf.lora.LoraMismatchException}, a
 * GGUF file that is no adapter with {@link dev.deliberate.gguf.lora.LoraFormatException}.
 *
 * <p>Nothing in this package returns {@code null}.
 */
package dev.deliberate.gguf.lora;

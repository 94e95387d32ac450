/**
 * The llama.cpp backend (through the {@code de.kherud:llama} binding): runs local {@code .gguf} models. Found by
 * {@link dev.deliberate.core.ReasoningModels} through {@link dev.deliberate.llama.LlamaCppProvider}; application
 * code does not use this package directly.
 */
package dev.deliberate.llama;

package dev.deliberate.llama;

import dev.deliberate.core.BackendOptions;
import dev.deliberate.core.InvalidRequestException;

/**
 * Options of the llama.cpp backend, passed as {@code ModelOptions.defaults().with(new LlamaOptions(...))}.
 *
 * @param threads     CPU threads for generation; 0 lets the backend choose (the number of cores)
 * @param contextSize context window in tokens; 0 uses the model's trained context, capped at
 *                    {@link #DEFAULT_MAX_CONTEXT}
 * @param gpuLayers   layers to offload to an accelerator; 0 runs on the CPU
 */
public record LlamaOptions(int threads, int contextSize, int gpuLayers) implements BackendOptions {

    /** Context size used when the options say 0 and the model's own is larger. */
    public static final int DEFAULT_MAX_CONTEXT = 8192;

    /** Rejects negative values. */
    public LlamaOptions {
        if (threads < 0) {
            throw new InvalidRequestException("threads must be >= 0, got " + threads);
        }
        if (contextSize < 0) {
            throw new InvalidRequestException("context size must be >= 0, got " + contextSize);
        }
        if (gpuLayers < 0) {
            throw new InvalidRequestException("GPU layers must be >= 0, got " + gpuLayers);
        }
    }

    /** Backend-chosen threads and context, CPU only. */
    public static LlamaOptions defaults() {
        return new LlamaOptions(0, 0, 0);
    }

    /** These options with {@code threads} generation threads. */
    public LlamaOptions withThreads(int threads) {
        return new LlamaOptions(threads, contextSize, gpuLayers);
    }

    /** These options with a context window of {@code contextSize} tokens. */
    public LlamaOptions withContextSize(int contextSize) {
        return new LlamaOptions(threads, contextSize, gpuLayers);
    }

    /** These options with {@code gpuLayers} layers offloaded. */
    public LlamaOptions withGpuLayers(int gpuLayers) {
        return new LlamaOptions(threads, contextSize, gpuLayers);
    }
}

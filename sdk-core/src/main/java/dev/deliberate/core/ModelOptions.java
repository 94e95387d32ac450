package dev.deliberate.core;

import java.util.function.DoubleConsumer;

/**
 * How to load a model. Every field has a sensible default; start from {@link #defaults()}.
 *
 * @param threads        CPU threads for generation; 0 lets the backend choose (the number of cores)
 * @param contextSize    context window in tokens; 0 uses the model's trained context, capped at 8192
 * @param gpuLayers      layers to offload to an accelerator; 0 runs on the CPU
 * @param loadProgress   told the load progress from 0.0 to 1.0 while a large model loads
 */
public record ModelOptions(int threads, int contextSize, int gpuLayers, DoubleConsumer loadProgress) {

    /** Context size used when the options say 0 and the model's own is larger. */
    public static final int DEFAULT_MAX_CONTEXT = 8192;

    /** Rejects negative values. */
    public ModelOptions {
        if (threads < 0) {
            throw new InvalidRequestException("threads must be >= 0, got " + threads);
        }
        if (contextSize < 0) {
            throw new InvalidRequestException("context size must be >= 0, got " + contextSize);
        }
        if (gpuLayers < 0) {
            throw new InvalidRequestException("GPU layers must be >= 0, got " + gpuLayers);
        }
        java.util.Objects.requireNonNull(loadProgress, "loadProgress");
    }

    /** Backend-chosen threads and context, CPU only, no progress reporting. */
    public static ModelOptions defaults() {
        return new ModelOptions(0, 0, 0, p -> { });
    }

    /** These options with {@code threads} generation threads. */
    public ModelOptions withThreads(int threads) {
        return new ModelOptions(threads, contextSize, gpuLayers, loadProgress);
    }

    /** These options with a context window of {@code contextSize} tokens. */
    public ModelOptions withContextSize(int contextSize) {
        return new ModelOptions(threads, contextSize, gpuLayers, loadProgress);
    }

    /** These options with {@code gpuLayers} layers offloaded. */
    public ModelOptions withGpuLayers(int gpuLayers) {
        return new ModelOptions(threads, contextSize, gpuLayers, loadProgress);
    }

    /** These options, reporting load progress to {@code listener}. */
    public ModelOptions withLoadProgress(DoubleConsumer listener) {
        return new ModelOptions(threads, contextSize, gpuLayers, listener);
    }
}

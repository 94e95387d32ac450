package dev.deliberate.llama;

import dev.deliberate.core.BackendOptions;
import dev.deliberate.core.InvalidRequestException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Options of the llama.cpp backend, passed as {@code ModelOptions.defaults().with(new LlamaOptions(...))}.
 *
 * @param threads      CPU threads for generation; 0 lets the backend choose (the number of cores)
 * @param contextSize  context window in tokens; 0 uses the model's trained context, capped at
 *                     {@link #DEFAULT_MAX_CONTEXT}
 * @param gpuLayers    layers to offload to an accelerator; 0 runs on the CPU
 * @param loraAdapters LoRA adapters applied on top of the model's weights, each with its scale; checked against the
 *                     model before llama.cpp sees them, and recorded in {@link dev.deliberate.core.ModelInfo#adapters()}
 */
public record LlamaOptions(int threads, int contextSize, int gpuLayers, List<LoraAdapterFile> loraAdapters)
        implements BackendOptions {

    /** Context size used when the options say 0 and the model's own is larger. */
    public static final int DEFAULT_MAX_CONTEXT = 8192;

    /** Rejects negative values and copies the adapter list. */
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
        loraAdapters = List.copyOf(Objects.requireNonNull(loraAdapters, "loraAdapters"));
    }

    /**
     * Options without adapters.
     *
     * @param threads     CPU threads; 0 lets the backend choose
     * @param contextSize context window in tokens; 0 for the model's (capped)
     * @param gpuLayers   layers to offload; 0 runs on the CPU
     */
    public LlamaOptions(int threads, int contextSize, int gpuLayers) {
        this(threads, contextSize, gpuLayers, List.of());
    }

    /** Backend-chosen threads and context, CPU only. */
    public static LlamaOptions defaults() {
        return new LlamaOptions(0, 0, 0);
    }

    /** These options with {@code threads} generation threads. */
    public LlamaOptions withThreads(int threads) {
        return new LlamaOptions(threads, contextSize, gpuLayers, loraAdapters);
    }

    /** These options with a context window of {@code contextSize} tokens. */
    public LlamaOptions withContextSize(int contextSize) {
        return new LlamaOptions(threads, contextSize, gpuLayers, loraAdapters);
    }

    /** These options with {@code gpuLayers} layers offloaded. */
    public LlamaOptions withGpuLayers(int gpuLayers) {
        return new LlamaOptions(threads, contextSize, gpuLayers, loraAdapters);
    }

    /** These options with exactly these LoRA adapters. */
    public LlamaOptions withLoraAdapters(List<LoraAdapterFile> adapters) {
        return new LlamaOptions(threads, contextSize, gpuLayers, adapters);
    }

    /**
     * These options with one more LoRA adapter.
     *
     * @param adapter the adapter file
     * @param scale   its scale (1: as trained)
     * @return new options
     */
    public LlamaOptions withLoraAdapter(Path adapter, float scale) {
        List<LoraAdapterFile> all = new ArrayList<>(loraAdapters);
        all.add(new LoraAdapterFile(adapter, scale));
        return new LlamaOptions(threads, contextSize, gpuLayers, all);
    }
}

package dev.deliberate.core;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Provenance of a model: what exactly produced an answer. Recorded in every {@link Reasoning}.
 *
 * @param backend        the backend's name, e.g. {@code llama.cpp} or {@code openai-compatible}
 * @param locator        where the model was loaded from
 * @param file           the model file, for local models
 * @param sha256         hex SHA-256 of the model file, for local models
 * @param modelId        the model's name (GGUF {@code general.name}, or the endpoint's model id)
 * @param architecture   e.g. {@code qwen2}, {@code llama}; empty when the backend cannot tell
 * @param quantization   e.g. {@code Q8_0}, {@code Q4_K_M}; empty when unknown
 * @param parameterCount number of weights, when known
 * @param contextLength  the context window in use, in tokens (0 when unknown)
 * @param adapters       LoRA adapters applied on top of the model's own weights, in the order given; empty for none.
 *                       Two results with the same {@code sha256} but different adapters came from different models.
 */
public record ModelInfo(
        String backend,
        String locator,
        Optional<Path> file,
        Optional<String> sha256,
        String modelId,
        String architecture,
        String quantization,
        OptionalLong parameterCount,
        int contextLength,
        List<Adapter> adapters) {

    /**
     * A LoRA adapter applied to the model, identified like the model itself.
     *
     * @param file   the adapter file
     * @param sha256 lower-case hex SHA-256 of the adapter file
     * @param scale  the scale it is applied with (1: as trained)
     */
    public record Adapter(Path file, String sha256, double scale) {
        /** Checks the hash is 64 hex digits and the scale finite. */
        public Adapter {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(sha256, "sha256");
            if (sha256.length() != 64 || !sha256.chars().allMatch(HexFormat::isHexDigit)) {
                throw new IllegalArgumentException("adapter SHA-256 must be 64 hex digits: " + sha256);
            }
            if (!Double.isFinite(scale)) {
                throw new IllegalArgumentException("adapter scale must be finite: " + scale);
            }
        }
    }

    /**
     * A model without adapters.
     *
     * @param backend        the backend's name
     * @param locator        where the model was loaded from
     * @param file           the model file, for local models
     * @param sha256         hex SHA-256 of the model file, for local models
     * @param modelId        the model's name
     * @param architecture   the architecture, or empty
     * @param quantization   the quantization, or empty
     * @param parameterCount number of weights, when known
     * @param contextLength  the context window in use (0 when unknown)
     */
    public ModelInfo(String backend, String locator, Optional<Path> file, Optional<String> sha256, String modelId,
            String architecture, String quantization, OptionalLong parameterCount, int contextLength) {
        this(backend, locator, file, sha256, modelId, architecture, quantization, parameterCount, contextLength,
                List.of());
    }

    /** Rejects nulls and copies the adapter list. */
    public ModelInfo {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(locator, "locator");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(quantization, "quantization");
        Objects.requireNonNull(parameterCount, "parameterCount");
        adapters = List.copyOf(adapters);
    }
}

package dev.deliberate.core;

import java.nio.file.Path;
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
        int contextLength) {

    /** Rejects nulls. */
    public ModelInfo {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(locator, "locator");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(quantization, "quantization");
        Objects.requireNonNull(parameterCount, "parameterCount");
    }
}

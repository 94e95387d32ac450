package dev.deliberate.testmodel;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A test model file that {@link TestModelGenerator} wrote.
 *
 * @param path           the GGUF file
 * @param sizeBytes      its size
 * @param parameterCount number of weights (elements of all tensors)
 * @param spec           the shape it was generated with
 * @param seed           the seed it was generated with
 */
public record GeneratedTestModel(Path path, long sizeBytes, long parameterCount, TestModelSpec spec, long seed) {
    /** Rejects nulls. */
    public GeneratedTestModel {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(spec, "spec");
    }
}

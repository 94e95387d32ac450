package dev.deliberate.core.spi;

import dev.deliberate.core.ModelLoadException;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;

/**
 * Entry point of a backend, found with {@link java.util.ServiceLoader}. Implementations need a public no-argument
 * constructor and must be cheap to construct: loading happens in {@link #open}.
 */
public interface BackendProvider {

    /** A short, stable name, e.g. {@code llama.cpp}; recorded in {@link dev.deliberate.core.ModelInfo#backend()}. */
    String name();

    /**
     * Whether this backend handles {@code locator}. Decided from the locator alone (e.g. a file name ending in
     * {@code .gguf}); no I/O, so that a missing file still reaches the backend that can name the problem.
     */
    boolean accepts(ModelLocator locator);

    /** When several providers accept a locator, the highest priority wins (ties: the first found). */
    default int priority() {
        return 0;
    }

    /**
     * Loads the model.
     *
     * @throws ModelLoadException when the model cannot be loaded (missing, malformed, unsupported), naming it
     */
    ModelBackend open(ModelLocator locator, ModelOptions options);
}

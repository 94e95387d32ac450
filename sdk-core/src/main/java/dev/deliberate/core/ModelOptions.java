package dev.deliberate.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleConsumer;

/**
 * How to open a model: what every backend shares, plus typed options for particular backends. Immutable; start from
 * {@link #defaults()}.
 *
 * <pre>{@code
 * ModelOptions options = ModelOptions.defaults()
 *         .with(new LlamaOptions(4, 4096, 0))                       // read by the llama.cpp backend
 *         .with(RemoteOptions.defaults().withApiKey(System.getenv("KEY"))); // read by the remote backend
 * }</pre>
 */
public final class ModelOptions {

    private final DoubleConsumer loadProgress;
    private final Map<Class<?>, BackendOptions> backendOptions;

    private ModelOptions(DoubleConsumer loadProgress, Map<Class<?>, BackendOptions> backendOptions) {
        this.loadProgress = Objects.requireNonNull(loadProgress, "loadProgress");
        this.backendOptions = Map.copyOf(backendOptions);
    }

    /** No progress reporting and no backend options: each backend uses its defaults. */
    public static ModelOptions defaults() {
        return new ModelOptions(p -> { }, Map.of());
    }

    /** Told the load progress from 0.0 to 1.0 while a large model loads (backends that load report it). */
    public DoubleConsumer loadProgress() {
        return loadProgress;
    }

    /** These options, reporting load progress to {@code listener}. */
    public ModelOptions withLoadProgress(DoubleConsumer listener) {
        return new ModelOptions(listener, backendOptions);
    }

    /** These options with {@code options} for the backend that reads its type (replacing any of the same type). */
    public ModelOptions with(BackendOptions options) {
        Objects.requireNonNull(options, "options");
        Map<Class<?>, BackendOptions> copy = new LinkedHashMap<>(backendOptions);
        copy.put(options.getClass(), options);
        return new ModelOptions(loadProgress, copy);
    }

    /** The options of type {@code type}, when given. */
    public <T extends BackendOptions> Optional<T> get(Class<T> type) {
        return Optional.ofNullable(backendOptions.get(type)).map(type::cast);
    }

    @Override
    public String toString() {
        // backend options decide themselves what they show (a remote key never appears)
        return "ModelOptions" + backendOptions.values();
    }
}

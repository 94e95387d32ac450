package dev.deliberate.core;

import dev.deliberate.core.internal.TextReasoningModel;
import dev.deliberate.core.spi.BackendProvider;
import dev.deliberate.core.spi.ModelBackend;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Opens reasoning models. The backend is chosen by the locator among those installed (found with
 * {@link ServiceLoader}, see {@link dev.deliberate.core.spi}); a {@code .gguf} file goes to the bundled llama.cpp
 * backend.
 *
 * <pre>{@code
 * try (ReasoningModel model = ReasoningModels.open(ModelLocator.parse("DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf"))) {
 *     Reasoning r = model.reason(ReasoningRequest.of("Is 1013 prime?"));
 * }
 * }</pre>
 */
public final class ReasoningModels {

    private ReasoningModels() {}

    /** Opens the model with default options. */
    public static ReasoningModel open(ModelLocator locator) {
        return open(locator, ModelOptions.defaults());
    }

    /**
     * Opens the model.
     *
     * @throws NoBackendException  when no installed backend accepts the locator
     * @throws ModelLoadException  when the backend cannot load it (missing, malformed or unsupported file)
     */
    public static ReasoningModel open(ModelLocator locator, ModelOptions options) {
        Objects.requireNonNull(locator, "locator");
        Objects.requireNonNull(options, "options");
        BackendProvider provider = providerFor(locator);
        ModelBackend backend = provider.open(locator, options);
        // one orchestration for every shape; ModelBackend is sealed, so there is no shape it cannot drive
        return new TextReasoningModel(backend);
    }

    /** Names of the installed backends. */
    public static List<String> backends() {
        List<String> names = new ArrayList<>();
        providers().forEach(p -> names.add(p.name()));
        return names;
    }

    static BackendProvider providerFor(ModelLocator locator) {
        return providers().stream()
                .filter(p -> p.accepts(locator))
                .max(Comparator.comparingInt(BackendProvider::priority))
                .orElseThrow(() -> new NoBackendException("no installed backend can open " + locator
                        + (locator instanceof ModelLocator.File ? " (local models must be .gguf files)" : "")
                        + "; installed: " + backends()));
    }

    private static List<BackendProvider> providers() {
        List<BackendProvider> out = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, ReasoningModels.class.getClassLoader()).forEach(out::add);
        return out;
    }
}

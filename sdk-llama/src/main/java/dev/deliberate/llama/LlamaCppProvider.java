package dev.deliberate.llama;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.spi.BackendProvider;
import dev.deliberate.core.spi.ModelBackend;
import java.util.Locale;

/**
 * Runs local GGUF files with llama.cpp (the bundled build b4916 of the {@code de.kherud:llama} binding). Accepts
 * {@link ModelLocator.File} locators whose name ends in {@code .gguf}.
 *
 * <p>Registered in {@code META-INF/services/dev.deliberate.core.spi.BackendProvider}; use
 * {@link dev.deliberate.core.ReasoningModels#open} rather than this class.
 */
public final class LlamaCppProvider implements BackendProvider {

    /** The backend name recorded in provenance. */
    public static final String NAME = "llama.cpp";

    /** For {@link java.util.ServiceLoader}. */
    public LlamaCppProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean accepts(ModelLocator locator) {
        return locator instanceof ModelLocator.File f
                && f.path().getFileName() != null
                && f.path().getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf");
    }

    @Override
    public ModelBackend open(ModelLocator locator, ModelOptions options) {
        return LlamaTextGenerator.load(((ModelLocator.File) locator).path(), options);
    }
}

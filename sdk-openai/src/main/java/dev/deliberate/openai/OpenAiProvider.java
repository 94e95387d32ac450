package dev.deliberate.openai;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.spi.BackendProvider;
import dev.deliberate.core.spi.ModelBackend;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenAI-compatible remote backend: opens {@code http(s)://host:port/v1[#model]} locators (found through
 * {@link java.util.ServiceLoader}). Options: {@link RemoteOptions} in {@link ModelOptions}.
 */
public final class OpenAiProvider implements BackendProvider {

    /** The backend's name in {@link dev.deliberate.core.ModelInfo#backend()}. */
    public static final String NAME = "openai-compatible";

    /** For {@link java.util.ServiceLoader}. */
    public OpenAiProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean accepts(ModelLocator locator) {
        return locator instanceof ModelLocator.Endpoint;
    }

    /**
     * Connects to the endpoint (and the {@link RemoteOptions#fleet()}, when given).
     *
     * @throws dev.deliberate.core.RetriableException      when no endpoint answers (down, refused, timed out)
     * @throws dev.deliberate.core.AuthenticationException when the key is refused
     * @throws dev.deliberate.core.ModelLoadException      when the server lists no model and none is named
     */
    @Override
    public ModelBackend open(ModelLocator locator, ModelOptions options) {
        ModelLocator.Endpoint endpoint = (ModelLocator.Endpoint) locator;
        RemoteOptions remote = options.get(RemoteOptions.class).orElseGet(RemoteOptions::defaults);
        List<URI> endpoints = new ArrayList<>();
        endpoints.add(endpoint.baseUrl());
        for (URI u : remote.fleet()) {
            if (!endpoints.contains(u)) {
                endpoints.add(u);
            }
        }
        String model = !endpoint.modelId().isEmpty() ? endpoint.modelId() : remote.modelId().orElse("");
        return RemoteChatGenerator.open(endpoints, model, remote);
    }
}

package dev.deliberate.core;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a model is: a local file (for example a {@code .gguf}) or an endpoint (an {@code http(s)} URL of an
 * OpenAI-compatible server, with a model id). Backends are chosen by what the locator points at.
 */
public sealed interface ModelLocator permits ModelLocator.File, ModelLocator.Endpoint {

    /**
     * Parses a locator: {@code http://} and {@code https://} URLs are endpoints (the model id may follow a {@code #},
     * e.g. {@code http://127.0.0.1:8080/v1#deepseek-r1}); anything else is a file path.
     */
    static ModelLocator parse(String text) {
        Objects.requireNonNull(text, "locator");
        if (text.isBlank()) {
            throw new InvalidRequestException("model locator is empty");
        }
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            int hash = text.indexOf('#');
            String base = hash < 0 ? text : text.substring(0, hash);
            String model = hash < 0 ? "" : text.substring(hash + 1);
            try {
                return new Endpoint(URI.create(base), model);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("not a valid endpoint URL: " + text, e);
            }
        }
        return new File(Path.of(text));
    }

    /** A model stored in a local file. */
    static ModelLocator file(Path path) {
        return new File(path);
    }

    /**
     * A model in a local file.
     *
     * @param path the file
     */
    record File(Path path) implements ModelLocator {
        /** Rejects a null path. */
        public File {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }

    /**
     * A model served over HTTP.
     *
     * @param baseUrl the API base URL (for OpenAI-compatible servers, the URL ending in {@code /v1})
     * @param modelId the model id to request; empty lets the server choose
     */
    record Endpoint(URI baseUrl, String modelId) implements ModelLocator {
        /** Rejects nulls and non-HTTP URLs. */
        public Endpoint {
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(modelId, "modelId");
            String scheme = baseUrl.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                throw new InvalidRequestException("endpoint must be an http(s) URL, got " + baseUrl);
            }
        }

        @Override
        public String toString() {
            return modelId.isEmpty() ? baseUrl.toString() : baseUrl + "#" + modelId;
        }
    }
}

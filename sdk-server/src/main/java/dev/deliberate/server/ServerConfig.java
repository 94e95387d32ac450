package dev.deliberate.server;

import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.profile.DomainProfile;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link OpenAiServer} listens and what it accepts. Start from {@link #builder()}; every field has a safe default
 * (loopback only, no key, 4 MiB bodies, 16 queued requests).
 *
 * @param host           the address to bind; {@code 127.0.0.1} unless told otherwise
 * @param port           the TCP port; 0 picks a free one (see {@link OpenAiServer#port()})
 * @param apiKey         when present, every {@code /v1} request must send it as a Bearer token
 * @param modelId        the id clients name in {@code model}; empty serves the model under its own id
 *                       ({@link dev.deliberate.core.ModelInfo#modelId()})
 * @param maxBodyBytes   larger request bodies get 413
 * @param maxQueued      requests that may wait for a free model instance; beyond them 429 with {@code Retry-After}
 * @param efforts        thinking budgets behind {@code reasoning_effort}
 * @param shutdownGrace  on close, how long requests in flight may run to their end before they are cancelled
 * @param idleTimeout    a connection that neither sends nor accepts bytes for this long is closed (a client that
 *                       stopped reading a stream: its generation is cancelled)
 * @param profile        when present, the domain profile every request is asked under: its system prompt (with
 *                       glossary and worked examples) comes before the client's messages, its answer schema applies
 *                       when the client sends no {@code response_format}, its thinking budget when the client sends
 *                       neither {@code thinking_budget} nor {@code reasoning_effort}, its answer bound when the client
 *                       sends no {@code max_tokens}, and its thinking deadline always
 */
public record ServerConfig(
        String host,
        int port,
        Optional<ApiKey> apiKey,
        Optional<String> modelId,
        long maxBodyBytes,
        int maxQueued,
        ReasoningEfforts efforts,
        Duration shutdownGrace,
        Duration idleTimeout,
        Optional<DomainProfile> profile) {

    /** Default body bound: 4 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 4L << 20;
    /** Default number of requests that may wait. */
    public static final int DEFAULT_MAX_QUEUED = 16;

    /** Validates every field. */
    public ServerConfig {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new InvalidRequestException("host must not be empty");
        }
        if (port < 0 || port > 65_535) {
            throw new InvalidRequestException("port must be in [0, 65535], got " + port);
        }
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(modelId, "modelId");
        if (modelId.isPresent() && modelId.get().isBlank()) {
            throw new InvalidRequestException("model id must not be blank");
        }
        if (maxBodyBytes < 1024 || maxBodyBytes > (1L << 30)) {
            throw new InvalidRequestException("max body size must be in [1 KiB, 1 GiB], got " + maxBodyBytes);
        }
        if (maxQueued < 0 || maxQueued > 10_000) {
            throw new InvalidRequestException("max queued requests must be in [0, 10000], got " + maxQueued);
        }
        Objects.requireNonNull(efforts, "efforts");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (shutdownGrace.isNegative()) {
            throw new InvalidRequestException("shutdown grace must not be negative");
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidRequestException("idle timeout must be at least 1 s");
        }
        Objects.requireNonNull(profile, "profile");
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", apiKey=" + (apiKey.isPresent() ? "set" : "none")
                + ", modelId=" + modelId.orElse("(the model's)") + ", maxBodyBytes=" + maxBodyBytes + ", maxQueued="
                + maxQueued + ", efforts=" + efforts + ", shutdownGrace=" + shutdownGrace + ", idleTimeout="
                + idleTimeout + ", profile=" + profile.map(DomainProfile::id).orElse("none") + "]";
    }

    /** Builds {@link ServerConfig}s; validation happens in {@link #build()}. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 8080;
        private Optional<ApiKey> apiKey = Optional.empty();
        private Optional<String> modelId = Optional.empty();
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int maxQueued = DEFAULT_MAX_QUEUED;
        private ReasoningEfforts efforts = ReasoningEfforts.defaults();
        private Optional<DomainProfile> profile = Optional.empty();
        private Duration shutdownGrace = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /** The address to bind (default {@code 127.0.0.1}). */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The port (default 8080; 0 picks a free one). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Requires this Bearer key on every {@code /v1} request. */
        public Builder apiKey(ApiKey key) {
            this.apiKey = Optional.of(key);
            return this;
        }

        /** Serves the model under this id. */
        public Builder modelId(String id) {
            this.modelId = Optional.of(id);
            return this;
        }

        /** Bound on request bodies. */
        public Builder maxBodyBytes(long bytes) {
            this.maxBodyBytes = bytes;
            return this;
        }

        /** How many requests may wait for a free model instance. */
        public Builder maxQueued(int requests) {
            this.maxQueued = requests;
            return this;
        }

        /** Budgets behind {@code reasoning_effort}. */
        public Builder efforts(ReasoningEfforts efforts) {
            this.efforts = efforts;
            return this;
        }

        /** How long requests in flight may finish on close. */
        public Builder shutdownGrace(Duration grace) {
            this.shutdownGrace = grace;
            return this;
        }

        /** Idle timeout of connections. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Serves the model under a domain profile (see {@link ServerConfig#profile()}): clients get the profile's
         * prompt, schema and budgets without sending them.
         */
        public Builder profile(DomainProfile profile) {
            this.profile = Optional.of(profile);
            return this;
        }

        /** Validates and builds. */
        public ServerConfig build() {
            return new ServerConfig(host, port, apiKey, modelId, maxBodyBytes, maxQueued, efforts, shutdownGrace,
                    idleTimeout, profile);
        }
    }
}

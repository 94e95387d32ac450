package dev.deliberate.openai;

import dev.deliberate.core.BackendOptions;
import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.ModelLocator;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of the OpenAI-compatible remote backend, passed as
 * {@code ModelOptions.defaults().with(RemoteOptions.defaults().withApiKey(key))}. Immutable; {@link #toString()}
 * never shows the key.
 *
 * @param apiKey              the bearer key; empty uses the environment variable {@value #API_KEY_ENV}, and no
 *                            key at all sends no {@code Authorization} header
 * @param modelId             the model id to request when the locator has none ({@code #model}); empty takes the
 *                            first of {@code GET /v1/models}
 * @param fleet               further endpoints serving the same model; with the locator's endpoint they form one
 *                            model (least outstanding requests first, failover, health checks)
 * @param connectTimeout      the most time to open a connection
 * @param firstByteTimeout    the most time from sending a request to its first byte of response body
 * @param idleTimeout         the most time between two pieces of a stream once it started
 * @param maxAttempts         requests per generation at most, the first included (retries and failovers on
 *                            429, 5xx, connection errors and timeouts, never after a stream delivered tokens)
 * @param initialBackoff      the first retry delay; doubled per retry, with jitter, capped by {@code maxBackoff}
 * @param maxBackoff          the largest retry delay
 * @param maxRetryAfter       a {@code Retry-After} longer than this is not waited for: the call fails with
 *                            {@link dev.deliberate.core.RateLimitedException} at once
 * @param healthCheckInterval how often an endpoint taken out after failures is probed ({@code GET /v1/models})
 * @param tokenizer           the model's {@code tokenizer.json}, for exact thinking-token counts (needs
 *                            {@code ai.djl.huggingface:tokenizers} on the class path); empty counts one token per
 *                            streamed piece and takes the server's totals
 * @param contextLength       the context window in tokens; 0 takes the server's {@code max_model_len} when it
 *                            reports one, else leaves length checks to the server
 * @param structuredOutput    whether to send JSON Schema answers as {@code response_format: json_schema}; when
 *                            {@code false} (servers without structured output), the SDK validates and re-asks
 * @param streaming           stream completions (SSE); {@code false} sends blocking requests, where the thinking
 *                            bound is applied to the returned text but cannot stop the server early
 * @param jitterSeed          seed of the backoff jitter, so that retry timing repeats in tests
 */
public record RemoteOptions(Optional<String> apiKey, Optional<String> modelId, List<URI> fleet,
        Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout, int maxAttempts,
        Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter, Duration healthCheckInterval,
        Optional<Path> tokenizer, int contextLength, boolean structuredOutput, boolean streaming, long jitterSeed)
        implements BackendOptions {

    /** The environment variable read when no key is given. */
    public static final String API_KEY_ENV = "DELIBERATE_API_KEY";

    /** Validates every field. */
    public RemoteOptions {
        Objects.requireNonNull(apiKey, "apiKey");
        if (apiKey.isPresent() && (apiKey.get().isBlank() || apiKey.get().chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
            throw new InvalidRequestException("the API key must be printable ASCII without spaces");
        }
        Objects.requireNonNull(modelId, "modelId");
        fleet = List.copyOf(fleet);
        for (URI u : fleet) {
            new ModelLocator.Endpoint(u, ""); // validates the scheme
        }
        positive(connectTimeout, "connect timeout");
        positive(firstByteTimeout, "first-byte timeout");
        positive(idleTimeout, "idle timeout");
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new InvalidRequestException("max attempts must be in [1, 20], got " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new InvalidRequestException("backoff must be >= 0 and max backoff >= initial backoff");
        }
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        positive(healthCheckInterval, "health check interval");
        Objects.requireNonNull(tokenizer, "tokenizer");
        if (contextLength < 0) {
            throw new InvalidRequestException("context length must be >= 0, got " + contextLength);
        }
    }

    private static void positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new InvalidRequestException(what + " must be positive, got " + d);
        }
    }

    /**
     * Key from the environment, model from the server, one endpoint; connect 10 s, first byte 120 s (a long prompt
     * on a busy server), idle 60 s; 3 attempts, backoff 250 ms doubling to 8 s, Retry-After up to 60 s honoured;
     * health checks every 5 s; structured output and streaming on.
     */
    public static RemoteOptions defaults() {
        return new RemoteOptions(Optional.empty(), Optional.empty(), List.of(), Duration.ofSeconds(10),
                Duration.ofSeconds(120), Duration.ofSeconds(60), 3, Duration.ofMillis(250), Duration.ofSeconds(8),
                Duration.ofSeconds(60), Duration.ofSeconds(5), Optional.empty(), 0, true, true, 1);
    }

    /** With the bearer key {@code key}. */
    public RemoteOptions withApiKey(String key) {
        return new RemoteOptions(Optional.of(key), modelId, fleet, connectTimeout, firstByteTimeout, idleTimeout,
                maxAttempts, initialBackoff, maxBackoff, maxRetryAfter, healthCheckInterval, tokenizer,
                contextLength, structuredOutput, streaming, jitterSeed);
    }

    /** Requesting model {@code id} when the locator names none. */
    public RemoteOptions withModelId(String id) {
        return new RemoteOptions(apiKey, Optional.of(id), fleet, connectTimeout, firstByteTimeout, idleTimeout,
                maxAttempts, initialBackoff, maxBackoff, maxRetryAfter, healthCheckInterval, tokenizer,
                contextLength, structuredOutput, streaming, jitterSeed);
    }

    /** With {@code endpoint} added to the fleet. */
    public RemoteOptions withFleetEndpoint(URI endpoint) {
        List<URI> more = new ArrayList<>(fleet);
        more.add(endpoint);
        return new RemoteOptions(apiKey, modelId, more, connectTimeout, firstByteTimeout, idleTimeout, maxAttempts,
                initialBackoff, maxBackoff, maxRetryAfter, healthCheckInterval, tokenizer, contextLength,
                structuredOutput, streaming, jitterSeed);
    }

    /** With these timeouts. */
    public RemoteOptions withTimeouts(Duration connect, Duration firstByte, Duration idle) {
        return new RemoteOptions(apiKey, modelId, fleet, connect, firstByte, idle, maxAttempts, initialBackoff,
                maxBackoff, maxRetryAfter, healthCheckInterval, tokenizer, contextLength, structuredOutput,
                streaming, jitterSeed);
    }

    /** With this retry policy. */
    public RemoteOptions withRetries(int attempts, Duration initial, Duration max, Duration maxRetryAfterWait) {
        return new RemoteOptions(apiKey, modelId, fleet, connectTimeout, firstByteTimeout, idleTimeout, attempts,
                initial, max, maxRetryAfterWait, healthCheckInterval, tokenizer, contextLength, structuredOutput,
                streaming, jitterSeed);
    }

    /** Probing failed endpoints every {@code interval}. */
    public RemoteOptions withHealthCheckInterval(Duration interval) {
        return new RemoteOptions(apiKey, modelId, fleet, connectTimeout, firstByteTimeout, idleTimeout, maxAttempts,
                initialBackoff, maxBackoff, maxRetryAfter, interval, tokenizer, contextLength, structuredOutput,
                streaming, jitterSeed);
    }

    /** Counting thinking tokens with this {@code tokenizer.json}. */
    public RemoteOptions withTokenizer(Path tokenizerJson) {
        return new RemoteOptions(apiKey, modelId, fleet, connectTimeout, firstByteTimeout, idleTimeout, maxAttempts,
                initialBackoff, maxBackoff, maxRetryAfter, healthCheckInterval, Optional.of(tokenizerJson),
                contextLength, structuredOutput, streaming, jitterSeed);
    }

    /** With a context window of {@code tokens} (0: ask the server). */
    public RemoteOptions withContextLength(int tokens) {
        return new RemoteOptions(apiKey, modelId, fleet, connectTimeout, firstByteTimeout, idleTimeout, maxAttempts,
                initialBackoff, maxBackoff, maxRetryAfter, healthCheckInterval, tokenizer, tokens, structuredOutput,
                streaming, jitterSeed);
    }

    /** Sending JSON Schemas to the server as structured output, or not. */
    public RemoteOptions withStructuredOutput(boolean on) {
        return new RemoteOptions(apiKey, modelId, fleet, connectTimeout, firstByteTimeout, idleTimeout, maxAttempts,
                initialBackoff, maxBackoff, maxRetryAfter, healthCheckInterval, tokenizer, contextLength, on,
                streaming, jitterSeed);
    }

    /** Streaming (SSE) or blocking requests. */
    public RemoteOptions withStreaming(boolean on) {
        return new RemoteOptions(apiKey, modelId, fleet, connectTimeout, firstByteTimeout, idleTimeout, maxAttempts,
                initialBackoff, maxBackoff, maxRetryAfter, healthCheckInterval, tokenizer, contextLength,
                structuredOutput, on, jitterSeed);
    }

    /** The key to send: the given one, else {@value #API_KEY_ENV}, else none. */
    Optional<String> resolvedKey() {
        if (apiKey.isPresent()) {
            return apiKey;
        }
        String env = System.getenv(API_KEY_ENV);
        return env == null || env.isBlank() ? Optional.empty() : Optional.of(env.trim());
    }

    @Override
    public String toString() {
        return "RemoteOptions[apiKey=" + (apiKey.isPresent() ? "(set)" : "(env or none)") + ", modelId="
                + modelId.orElse("(first of /v1/models)") + ", fleet=" + fleet + ", connectTimeout=" + connectTimeout
                + ", firstByteTimeout=" + firstByteTimeout + ", idleTimeout=" + idleTimeout + ", maxAttempts="
                + maxAttempts + ", backoff=" + initialBackoff + ".." + maxBackoff + ", maxRetryAfter="
                + maxRetryAfter + ", healthCheckInterval=" + healthCheckInterval + ", tokenizer="
                + tokenizer.map(Path::toString).orElse("(none)") + ", contextLength=" + contextLength
                + ", structuredOutput=" + structuredOutput + ", streaming=" + streaming + "]";
    }
}

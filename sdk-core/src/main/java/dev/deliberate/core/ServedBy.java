package dev.deliberate.core;

import java.util.List;
import java.util.Objects;

/**
 * Which endpoint produced one generation of a remote call, for provenance: with a fleet of endpoints a call may be
 * served by any of them, after others failed. Recorded in {@link Reasoning#servedBy()}, one entry per generation the
 * call made (thinking, answer, retries), in order. Never holds credentials.
 *
 * @param endpoint  the endpoint's base URL (user info removed)
 * @param modelId   the model id the endpoint answered with
 * @param failovers the endpoints tried first for this generation, each with why it was left
 *                  (e.g. {@code http://a:8000/v1: connection refused}), oldest first
 * @param attempts  how many requests this generation took in total, retries on the same endpoint included
 */
public record ServedBy(String endpoint, String modelId, List<String> failovers, int attempts) {

    /** Rejects nulls and fewer than one attempt. */
    public ServedBy {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(modelId, "modelId");
        failovers = List.copyOf(failovers);
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1, got " + attempts);
        }
    }
}

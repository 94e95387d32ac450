package dev.deliberate.core.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.Sampling;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One raw generation: continue {@code prompt} for at most {@code maxTokens} tokens.
 *
 * @param prompt     the full prompt text (chat template already applied); a backend keeps the evaluated prefix
 *                   cached, so a request that extends the previous prompt only evaluates the new part
 * @param maxTokens  the most tokens to generate; at least 1
 * @param stop       strings that end generation when produced (not included in the text)
 * @param sampling   temperature, top-p, top-k, seed
 * @param jsonSchema when present, generation must be constrained to JSON valid for this schema; only sent to
 *                   generators whose {@link TextGenerator#canConstrain()} is {@code true}
 */
public record GenerationRequest(String prompt, int maxTokens, List<String> stop, Sampling sampling,
        Optional<JsonNode> jsonSchema) {

    /** Validates the fields. */
    public GenerationRequest {
        Objects.requireNonNull(prompt, "prompt");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        }
        stop = List.copyOf(stop);
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(jsonSchema, "jsonSchema");
    }
}

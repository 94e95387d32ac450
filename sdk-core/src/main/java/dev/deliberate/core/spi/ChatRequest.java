package dev.deliberate.core.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.Sampling;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One chat completion as core asks for it.
 *
 * @param messages   the conversation, oldest first; not empty
 * @param prefix     when present, what the assistant already said: continue it (do not start a new turn)
 * @param maxTokens  the most tokens to generate; at least 1
 * @param stop       strings that end generation when produced
 * @param sampling   temperature, top-p, top-k, seed
 * @param jsonSchema when present, the content must be JSON valid for this schema (server structured output); only
 *                   sent to generators whose {@link ChatGenerator#canConstrain()} is {@code true}
 * @param stopAt     when present, the generator stops by this instant even if the server sends nothing
 */
public record ChatRequest(List<ChatMessage> messages, Optional<AssistantPrefix> prefix, int maxTokens,
        List<String> stop, Sampling sampling, Optional<JsonNode> jsonSchema, Optional<Instant> stopAt) {

    /** Validates the fields. */
    public ChatRequest {
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a chat request needs at least one message");
        }
        Objects.requireNonNull(prefix, "prefix");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        }
        stop = List.copyOf(stop);
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(jsonSchema, "jsonSchema");
        Objects.requireNonNull(stopAt, "stopAt");
    }
}

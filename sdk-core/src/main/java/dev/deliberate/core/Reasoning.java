package dev.deliberate.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one reasoning call: the thinking and the answer kept apart, the parsed answer when a JSON Schema was
 * requested, token usage, timings, why it finished and which model produced it.
 *
 * @param thinking   what the model thought, without {@code <think>} tags; empty when it did not think
 * @param answer     the answer text, never containing think tags
 * @param answerJson the answer parsed as JSON, present when the request asked for a JSON Schema and the answer
 *                   validated
 * @param finish     why the call ended
 * @param usage      token counts
 * @param timings    durations and decode rate
 * @param model      provenance of the model
 * @param startedAt  when the call started
 * @param servedBy   for remote models, which endpoint produced each generation of the call (in order); empty for
 *                   local models
 */
public record Reasoning(
        String thinking,
        String answer,
        Optional<JsonNode> answerJson,
        FinishReason finish,
        Usage usage,
        Timings timings,
        ModelInfo model,
        Instant startedAt,
        java.util.List<ServedBy> servedBy) {

    /** A result of a local model (no endpoints). */
    public Reasoning(String thinking, String answer, Optional<JsonNode> answerJson, FinishReason finish, Usage usage,
            Timings timings, ModelInfo model, Instant startedAt) {
        this(thinking, answer, answerJson, finish, usage, timings, model, startedAt, java.util.List.of());
    }

    /** Rejects nulls and think tags in the answer. */
    public Reasoning {
        Objects.requireNonNull(thinking, "thinking");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(answerJson, "answerJson");
        Objects.requireNonNull(finish, "finish");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(startedAt, "startedAt");
        answerJson = answerJson.map(JsonNode::deepCopy);
        servedBy = java.util.List.copyOf(servedBy);
    }

    @Override
    public Optional<JsonNode> answerJson() {
        return answerJson.map(JsonNode::deepCopy);
    }

    /**
     * Maps the JSON answer to a Java type with Jackson.
     *
     * @throws InvalidAnswerException when there is no JSON answer or it does not map to {@code type}
     */
    public <T> T answerAs(Class<T> type) {
        JsonNode json = answerJson.orElseThrow(() -> new InvalidAnswerException(
                "the answer is not JSON (no JSON Schema was requested, or the call was cancelled)", answer,
                java.util.List.of()));
        try {
            return JsonSchemas.MAPPER.treeToValue(json, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidAnswerException("the answer does not map to " + type.getName() + ": " + e.getMessage(),
                    answer, java.util.List.of(e.getMessage()));
        }
    }
}

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
 * @param finish     why the call ended; when the answer reached its own token bound this is
 *                   {@link FinishReason#LENGTH}, even if thinking was cut before (see {@code thinkingCut})
 * @param usage      token counts
 * @param timings    durations and decode rate
 * @param model      provenance of the model
 * @param startedAt  when the call started
 * @param thinkingCut which bound made the SDK close the thinking ({@link FinishReason#THINKING_BUDGET} or
 *                   {@link FinishReason#DEADLINE}), whatever {@code finish} is; empty when the model ended its thinking
 *                   itself (or did not think) or the call was cancelled while thinking
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
        Optional<FinishReason> thinkingCut,
        java.util.List<ServedBy> servedBy) {

    /**
     * A result with a thinking cut and no remote endpoints (local models); see the canonical constructor.
     */
    public Reasoning(String thinking, String answer, Optional<JsonNode> answerJson, FinishReason finish, Usage usage,
            Timings timings, ModelInfo model, Instant startedAt, Optional<FinishReason> thinkingCut) {
        this(thinking, answer, answerJson, finish, usage, timings, model, startedAt, thinkingCut, java.util.List.of());
    }

    /** A result whose thinking cut is read from {@code finish} (see below), served by {@code servedBy}. */
    public Reasoning(String thinking, String answer, Optional<JsonNode> answerJson, FinishReason finish, Usage usage,
            Timings timings, ModelInfo model, Instant startedAt, java.util.List<ServedBy> servedBy) {
        this(thinking, answer, answerJson, finish, usage, timings, model, startedAt,
                finish == FinishReason.THINKING_BUDGET || finish == FinishReason.DEADLINE
                        ? Optional.of(finish) : Optional.empty(), servedBy);
    }

    /**
     * Rejects nulls, a {@code thinkingCut} other than {@code THINKING_BUDGET} or {@code DEADLINE}, and a finish of
     * {@code THINKING_BUDGET} or {@code DEADLINE} that disagrees with {@code thinkingCut}.
     */
    public Reasoning {
        Objects.requireNonNull(thinking, "thinking");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(answerJson, "answerJson");
        Objects.requireNonNull(finish, "finish");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(thinkingCut, "thinkingCut");
        if (thinkingCut.isPresent() && thinkingCut.get() != FinishReason.THINKING_BUDGET
                && thinkingCut.get() != FinishReason.DEADLINE) {
            throw new IllegalArgumentException("thinkingCut must be THINKING_BUDGET or DEADLINE, got "
                    + thinkingCut.get());
        }
        if ((finish == FinishReason.THINKING_BUDGET || finish == FinishReason.DEADLINE)
                && !thinkingCut.equals(Optional.of(finish))) {
            throw new IllegalArgumentException("finish " + finish + " needs thinkingCut " + finish + ", got "
                    + thinkingCut);
        }
        answerJson = answerJson.map(JsonNode::deepCopy);
        servedBy = java.util.List.copyOf(servedBy);
    }

    /**
     * A result whose thinking cut is read from {@code finish}: {@code THINKING_BUDGET} and {@code DEADLINE} are cuts,
     * any other finish means no cut (use the canonical constructor for a cut followed by {@code LENGTH}).
     */
    public Reasoning(String thinking, String answer, Optional<JsonNode> answerJson, FinishReason finish, Usage usage,
            Timings timings, ModelInfo model, Instant startedAt) {
        this(thinking, answer, answerJson, finish, usage, timings, model, startedAt,
                finish == FinishReason.THINKING_BUDGET || finish == FinishReason.DEADLINE
                        ? Optional.of(finish) : Optional.empty());
    }

    /**
     * Whether the answer was cut by its own token bound ({@code finish() == LENGTH}); {@link #thinkingCut()} says
     * independently whether the thinking was cut.
     */
    public boolean answerTruncated() {
        return finish == FinishReason.LENGTH;
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

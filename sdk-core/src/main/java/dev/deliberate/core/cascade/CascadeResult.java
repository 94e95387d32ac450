package dev.deliberate.core.cascade;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of a cascade and the path it took.
 *
 * @param path       every step in order, with its status, reason and cost
 * @param answer     the answer text of the accepted step, or of the last step that answered when none was accepted
 * @param answerJson the JSON answer, when the request asked for a schema
 * @param decidedBy  the name of the step whose answer this is
 * @param resolved   whether a step's answer was accepted; false means even the last step's answer was not good
 *                   enough (e.g. the council disagreed): treat it as a case for a person
 * @param novel      whether the caller marked the case novel
 * @param usage      tokens summed over all steps
 * @param total      the cascade's wall time
 * @param startedAt  when the cascade started
 */
public record CascadeResult(List<StepResult> path, Optional<String> answer, Optional<JsonNode> answerJson,
        Optional<String> decidedBy, boolean resolved, boolean novel, Usage usage, Duration total,
        Instant startedAt) {

    /** Validates and copies. */
    public CascadeResult {
        path = List.copyOf(path);
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(answerJson, "answerJson");
        answerJson = answerJson.map(JsonNode::deepCopy);
        Objects.requireNonNull(decidedBy, "decidedBy");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    @Override
    public Optional<JsonNode> answerJson() {
        return answerJson.map(JsonNode::deepCopy);
    }
}

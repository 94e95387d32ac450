package dev.deliberate.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.FinishReason;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The result of one case under one setting.
 *
 * @param caseId         the case's id
 * @param setting        the setting's label
 * @param outcome        how it ended
 * @param finish         the reasoning call's finish reason, when the call returned
 * @param fieldScores    each scored field's score in [0, 1], by field name
 * @param score          the mean of the field scores (0 for invalid answers and errors)
 * @param latencyMillis  wall time of the call
 * @param thinkingTokens thinking tokens spent
 * @param answerTokens   answer tokens spent
 * @param answer         the answer as JSON (a text answer as a JSON string), when there was one
 * @param escalations    what the profile's safety rules say must escalate (empty when none)
 * @param error          the error, for {@link Outcome#INVALID} and {@link Outcome#ERROR}
 * @param council        for a council (or a cascade whose council step ran): whether it agreed
 * @param cascade        for a cascade: the path it took
 */
public record CaseResult(String caseId, String setting, Outcome outcome, Optional<FinishReason> finish,
        Map<String, Double> fieldScores, double score, long latencyMillis, int thinkingTokens, int answerTokens,
        Optional<JsonNode> answer, List<String> escalations, Optional<String> error, Optional<CouncilVerdict> council,
        Optional<CascadeTrace> cascade) {

    /** Validates and copies. */
    public CaseResult {
        Objects.requireNonNull(caseId, "caseId");
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(finish, "finish");
        fieldScores = java.util.Collections.unmodifiableMap(new TreeMap<>(fieldScores));
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("score must be in [0, 1], got " + score);
        }
        if (latencyMillis < 0 || thinkingTokens < 0 || answerTokens < 0) {
            throw new IllegalArgumentException("latency and token counts must be >= 0");
        }
        // an absent answer is written as JSON null: read back, it is still absent
        answer = answer == null ? Optional.empty() : answer.filter(a -> !a.isNull()).map(JsonNode::deepCopy);
        escalations = List.copyOf(escalations);
        Objects.requireNonNull(error, "error");
        council = council == null ? Optional.empty() : council;
        cascade = cascade == null ? Optional.empty() : cascade;
    }

    /** A single model's result (no council verdict, no cascade path). */
    public CaseResult(String caseId, String setting, Outcome outcome, Optional<FinishReason> finish,
            Map<String, Double> fieldScores, double score, long latencyMillis, int thinkingTokens, int answerTokens,
            Optional<JsonNode> answer, List<String> escalations, Optional<String> error) {
        this(caseId, setting, outcome, finish, fieldScores, score, latencyMillis, thinkingTokens, answerTokens, answer,
                escalations, error, Optional.empty(), Optional.empty());
    }

    /** Whether the answer was right: every scored field matched. */
    public boolean correct() {
        return outcome == Outcome.CORRECT;
    }

    /** Whether the answer was valid (it could be scored). */
    public boolean valid() {
        return outcome != Outcome.INVALID && outcome != Outcome.ERROR;
    }
}

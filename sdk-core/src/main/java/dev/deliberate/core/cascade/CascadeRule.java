package dev.deliberate.core.cascade;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningRequest;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a model step's answer is good enough, or the cascade must escalate to its next step. An invalid
 * answer (one that raised {@link dev.deliberate.core.InvalidAnswerException}, or a failed call) always escalates; the
 * rules judge valid answers.
 */
@FunctionalInterface
public interface CascadeRule {

    /**
     * Judges an answer.
     *
     * @return why the cascade must escalate, or empty to accept the answer
     */
    Optional<String> escalate(ReasoningRequest request, Reasoning answer);

    /**
     * Escalates when the number at {@code jsonPointer} of the JSON answer (e.g. {@code /confidence}) is below
     * {@code minimum}, or missing, or not a number.
     */
    static CascadeRule confidenceBelow(String jsonPointer, double minimum) {
        Objects.requireNonNull(jsonPointer, "jsonPointer");
        if (!jsonPointer.isEmpty() && !jsonPointer.startsWith("/")) {
            throw new IllegalArgumentException("a JSON Pointer starts with '/', got '" + jsonPointer + "'");
        }
        return (request, answer) -> {
            Optional<JsonNode> json = answer.answerJson();
            if (json.isEmpty()) {
                return Optional.of("no JSON answer to read confidence " + jsonPointer + " from");
            }
            JsonNode v = json.get().at(jsonPointer);
            if (!v.isNumber()) {
                return Optional.of("confidence " + jsonPointer + " is missing or not a number");
            }
            if (!Double.isFinite(v.asDouble())) {
                // a literal like 6667e7458667980798586 validates as a JSON number but says nothing about certainty
                return Optional.of("confidence " + jsonPointer + " = " + v.asText() + " is not a finite number");
            }
            return v.asDouble() < minimum
                    ? Optional.of(String.format(Locale.ROOT, "confidence %s = %s is below %s", jsonPointer,
                            v.asText(), minimum))
                    : Optional.empty();
        };
    }

    /** Escalates when the call finished for one of {@code reasons} (e.g. {@link FinishReason#LENGTH}). */
    static CascadeRule finishedBy(FinishReason first, FinishReason... more) {
        Set<FinishReason> set = EnumSet.of(first, more);
        return (request, answer) -> set.contains(answer.finish())
                ? Optional.of("finished by " + answer.finish()) : Optional.empty();
    }
}

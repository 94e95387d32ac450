package dev.deliberate.samples.radiology;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * The model's structured second look, as constrained by {@code second-look-answer.schema.json} and mapped by
 * {@code Reasoning.answerAs(SecondLookAnswer.class)}.
 *
 * @param findings   short findings or points a reader should check, in order; at least one
 * @param impression one overall impression
 * @param urgency    how soon a radiologist should look
 */
public record SecondLookAnswer(List<String> findings, String impression, Urgency urgency) {

    /** Validates and copies (the schema already bounds the sizes; this keeps the type honest on its own). */
    public SecondLookAnswer {
        findings = List.copyOf(findings);
        Objects.requireNonNull(impression, "impression");
        Objects.requireNonNull(urgency, "urgency");
        if (findings.isEmpty()) {
            throw new IllegalArgumentException("at least one finding is required");
        }
    }

    /** Triage urgency; the JSON values are lower case. */
    public enum Urgency {
        /** Read in the normal worklist order. */
        @JsonProperty("routine")
        ROUTINE,
        /** Read soon. */
        @JsonProperty("urgent")
        URGENT,
        /** Read now and call the referrer. */
        @JsonProperty("critical")
        CRITICAL;

        /** The JSON value, e.g. {@code routine}. */
        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}

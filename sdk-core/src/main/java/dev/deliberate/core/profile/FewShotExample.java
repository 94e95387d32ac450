package dev.deliberate.core.profile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One worked example shown to the model before the real question: the input, how to think about it, and the answer.
 *
 * @param input    the user message
 * @param thinking the reasoning to show (may be empty)
 * @param answer   the answer, valid against the profile's answer schema
 */
public record FewShotExample(String input, String thinking, JsonNode answer) {
    /** Validates. */
    public FewShotExample {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(thinking, "thinking");
        Objects.requireNonNull(answer, "answer");
        answer = answer.deepCopy();
    }

    @Override
    public JsonNode answer() {
        return answer.deepCopy();
    }
}

package dev.deliberate.robotics.reason;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Reflex} sees of a goal: its task, its context (a JSON object, already validated and bounded) and the
 * latest observations by topic.
 *
 * @param task         the goal's task text
 * @param context      the goal's context object (empty object when none)
 * @param observations the latest observation per topic (may be empty)
 */
public record Situation(String task, JsonNode context, Map<String, JsonNode> observations) {

    /** Rejects nulls; copies the observations. */
    public Situation {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(context, "context");
        observations = Map.copyOf(observations);
    }

    /**
     * The value at a JSON Pointer (e.g. {@code /distance_m}) in the goal's context.
     *
     * @return the value, or a missing node
     */
    public JsonNode at(String jsonPointer) {
        return context.at(jsonPointer);
    }
}

package dev.deliberate.robotics.reason;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.InvalidSchemaException;
import dev.deliberate.robotics.internal.BoundedJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks decisions against the allowed-actions JSON Schema. The same schema constrains the model's answer; the guard is
 * the final authority, so a backend that cannot constrain decoding, or a hand-made decision, is still checked.
 *
 * <pre>{@code
 * DecisionGuard guard = DecisionGuard.of("""
 *     {"type":"object","required":["action"],"additionalProperties":false,
 *      "properties":{"action":{"enum":["slow_down","change_lane","stop"]}}}""");
 * guard.check(json).isEmpty(); // valid?
 * }</pre>
 */
public final class DecisionGuard {

    /** Longest decision accepted, in chars. */
    public static final int MAX_DECISION_CHARS = 16 * 1024;

    private static final BoundedJson JSON = new BoundedJson(MAX_DECISION_CHARS, 32);
    private static final BoundedJson SCHEMA_JSON = new BoundedJson(256 * 1024, 64);

    private final AnswerFormat.Json schema;

    private DecisionGuard(AnswerFormat.Json schema) {
        this.schema = schema;
    }

    /**
     * A guard for the schema given as JSON text.
     *
     * @throws InvalidSchemaException when it is not a valid JSON Schema
     */
    public static DecisionGuard of(String schemaJson) {
        JsonNode node;
        try {
            node = SCHEMA_JSON.parse(schemaJson);
        } catch (BoundedJson.MalformedJsonException e) {
            throw new InvalidSchemaException("allowed-actions schema is not valid JSON: " + e.getMessage(), e);
        }
        return new DecisionGuard((AnswerFormat.Json) AnswerFormat.jsonSchema(node));
    }

    /**
     * A guard for the schema in a file.
     *
     * @throws java.io.IOException when the file cannot be read
     */
    public static DecisionGuard of(Path schemaFile) throws java.io.IOException {
        if (Files.size(schemaFile) > 256 * 1024) {
            throw new InvalidSchemaException("allowed-actions schema " + schemaFile + " is larger than 256 KiB");
        }
        return of(Files.readString(schemaFile));
    }

    /** The allowed-actions schema, as an answer format for the model. */
    public AnswerFormat.Json answerFormat() {
        return schema;
    }

    /** The validation errors of {@code decision}; empty when it is allowed. */
    public List<String> check(JsonNode decision) {
        Objects.requireNonNull(decision, "decision");
        return schema.validate(decision);
    }

    /**
     * Parses (bounded) and checks a decision given as text.
     *
     * @return the decision when it is valid JSON and allowed; empty otherwise
     */
    public Optional<JsonNode> parseAllowed(String decisionJson) {
        try {
            JsonNode node = JSON.parse(decisionJson);
            return check(node).isEmpty() ? Optional.of(node) : Optional.empty();
        } catch (BoundedJson.MalformedJsonException e) {
            return Optional.empty();
        }
    }

    /**
     * Parses and checks a decision, failing with the reasons.
     *
     * @throws InvalidDecisionException when it is not JSON or not allowed
     */
    public JsonNode requireAllowed(String decisionJson) {
        JsonNode node;
        try {
            node = JSON.parse(decisionJson);
        } catch (BoundedJson.MalformedJsonException e) {
            throw new InvalidDecisionException("decision is not JSON: " + e.getMessage(), List.of(e.getMessage()));
        }
        List<String> errors = check(node);
        if (!errors.isEmpty()) {
            throw new InvalidDecisionException("decision " + JSON.write(node) + " is not allowed: "
                    + String.join("; ", errors), errors);
        }
        return node;
    }

    /** Compact JSON text of a decision. */
    static String write(JsonNode decision) {
        return JSON.write(decision);
    }
}

package dev.deliberate.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The form the answer must take. Thinking is never constrained: the format applies to the answer phase only.
 */
public sealed interface AnswerFormat permits AnswerFormat.Text, AnswerFormat.Json {

    /** Free text. */
    static AnswerFormat text() {
        return Text.INSTANCE;
    }

    /**
     * A JSON value that validates against {@code schema}. The schema is checked when the format is made: invalid JSON
     * Schema fails here with {@link InvalidSchemaException}, not later during generation.
     */
    static AnswerFormat jsonSchema(JsonNode schema) {
        return new Json(schema);
    }

    /** As {@link #jsonSchema(JsonNode)}, from the schema's JSON text. */
    static AnswerFormat jsonSchema(String schemaJson) {
        return new Json(JsonSchemas.parse(schemaJson));
    }

    /** Free-text answers. */
    enum Text implements AnswerFormat {
        /** The only instance. */
        INSTANCE
    }

    /**
     * An answer that must be a JSON value valid against a JSON Schema.
     *
     * @param schema the JSON Schema (draft 2020-12 unless the schema's {@code $schema} names another draft)
     */
    record Json(JsonNode schema) implements AnswerFormat {
        /** Checks that the schema is a valid JSON Schema. */
        public Json {
            Objects.requireNonNull(schema, "schema");
            schema = schema.deepCopy();
            JsonSchemas.checkSchema(schema);
        }

        @Override
        public JsonNode schema() {
            return schema.deepCopy();
        }

        /** The schema as compact JSON text. */
        public String schemaJson() {
            return schema.toString();
        }

        /**
         * Validates a parsed answer against the schema.
         *
         * @return the validation errors; empty when {@code answer} is valid
         */
        public java.util.List<String> validate(JsonNode answer) {
            return JsonSchemas.validate(schema, answer);
        }

        /**
         * Parses an answer text as exactly one JSON value (surrounding white space allowed) and validates it.
         *
         * @return the parsed answer
         * @throws InvalidAnswerException when the text is not one JSON value or does not validate; the exception
         *                                carries the text and the errors
         */
        public JsonNode parseAnswer(String answerText) {
            Objects.requireNonNull(answerText, "answerText");
            JsonNode parsed;
            try {
                parsed = JsonSchemas.parseValue(answerText);
            } catch (IllegalArgumentException e) {
                throw new InvalidAnswerException("the answer is not JSON: " + e.getMessage(), answerText,
                        java.util.List.of("not JSON: " + e.getMessage()));
            }
            java.util.List<String> errors = validate(parsed);
            if (!errors.isEmpty()) {
                throw new InvalidAnswerException("the answer does not validate against the JSON Schema: "
                        + String.join("; ", errors), answerText, errors);
            }
            return parsed;
        }
    }
}

package dev.deliberate.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON Schema parsing, meta-validation and instance validation, kept in one place so that every backend and every
 * caller judges answers the same way. Not API: reached through {@link AnswerFormat.Json}.
 */
final class JsonSchemas {

    /** Bounds for JSON read from models and users: no unbounded nesting or strings. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(200)
                .maxStringLength(10_000_000)
                .maxNumberLength(1000)
                .build());
    }

    private static final ConcurrentHashMap<JsonNode, JsonSchema> COMPILED = new ConcurrentHashMap<>();

    private JsonSchemas() {}

    static JsonNode parse(String schemaJson) {
        try {
            JsonNode node = MAPPER.readTree(schemaJson);
            if (node == null || node.isMissingNode()) {
                throw new InvalidSchemaException("JSON Schema is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidSchemaException("JSON Schema is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", e);
        }
    }

    /** Parses exactly one JSON value; {@link IllegalArgumentException} with a short reason otherwise. */
    static JsonNode parseValue(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("empty answer");
        }
        try {
            JsonNode node = MAPPER.reader()
                    .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("empty answer");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage() + " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")", e);
        }
    }

    /** Fails with {@link InvalidSchemaException} unless {@code schema} is a valid JSON Schema of its draft. */
    static void checkSchema(JsonNode schema) {
        if (!schema.isObject() && !schema.isBoolean()) {
            throw new InvalidSchemaException("JSON Schema must be an object or a boolean, got " + schema.getNodeType());
        }
        SpecVersion.VersionFlag version = versionOf(schema);
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(version);
        JsonSchema meta = factory.getSchema(SchemaLocation.of(
                JsonSchemaFactory.checkVersion(version).getInstance().getIri()));
        Set<ValidationMessage> problems = meta.validate(schema);
        if (!problems.isEmpty()) {
            throw new InvalidSchemaException("not a valid JSON Schema: " + describe(problems));
        }
        try {
            compile(schema);
        } catch (RuntimeException e) {
            throw new InvalidSchemaException("JSON Schema cannot be compiled: " + e.getMessage(), e);
        }
    }

    /** Validation errors of {@code instance} against {@code schema}; empty when it validates. */
    static List<String> validate(JsonNode schema, JsonNode instance) {
        Set<ValidationMessage> problems = compile(schema).validate(instance);
        List<String> out = new ArrayList<>();
        problems.stream()
                .sorted(Comparator.comparing(ValidationMessage::getMessage))
                .forEach(m -> out.add(m.getMessage()));
        return out;
    }

    private static JsonSchema compile(JsonNode schema) {
        return COMPILED.computeIfAbsent(schema, s -> JsonSchemaFactory.getInstance(versionOf(s)).getSchema(s));
    }

    private static SpecVersion.VersionFlag versionOf(JsonNode schema) {
        if (schema.isObject() && schema.has("$schema")) {
            try {
                return SpecVersionDetector.detect(schema);
            } catch (RuntimeException e) {
                throw new InvalidSchemaException("unknown JSON Schema draft " + schema.get("$schema"), e);
            }
        }
        return SpecVersion.VersionFlag.V202012;
    }

    private static String describe(Set<ValidationMessage> problems) {
        return problems.stream().map(ValidationMessage::getMessage).sorted().limit(5)
                .reduce((a, b) -> a + "; " + b).orElse("");
    }
}

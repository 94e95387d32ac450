package dev.deliberate.llama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.InvalidSchemaException;
import java.util.Map;
import java.util.Set;

/**
 * Checks a JSON Schema before llama.cpp turns it into a grammar: the native converter throws a C++ exception (which
 * would end the JVM) on references it cannot resolve and on unknown types, so those are rejected here, typed.
 */
final class SchemaSupport {

    private static final Set<String> TYPES = Set.of("object", "array", "string", "number", "integer", "boolean",
            "null");
    private static final int MAX_DEPTH = 64;

    private SchemaSupport() {}

    static void check(JsonNode schema) {
        walk(schema, schema, 0, "#");
    }

    private static void walk(JsonNode root, JsonNode node, int depth, String where) {
        if (depth > MAX_DEPTH) {
            throw new InvalidSchemaException("JSON Schema nests deeper than " + MAX_DEPTH + " levels at " + where);
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(root, node.get(i), depth + 1, where + "/" + i);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        JsonNode ref = node.get("$ref");
        if (ref != null) {
            String r = ref.asText();
            if (!r.startsWith("#") || root.at(r.substring(1)).isMissingNode()) {
                throw new InvalidSchemaException("cannot constrain answers to a JSON Schema with the reference " + r
                        + " at " + where + ": only local references (#/...) that resolve are supported");
            }
        }
        JsonNode type = node.get("type");
        if (type != null) {
            for (JsonNode t : type.isArray() ? type : java.util.List.of(type)) {
                if (!t.isTextual() || !TYPES.contains(t.asText())) {
                    throw new InvalidSchemaException("unsupported JSON Schema type " + t + " at " + where);
                }
            }
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!"enum".equals(e.getKey()) && !"const".equals(e.getKey()) && !"examples".equals(e.getKey())
                    && !"default".equals(e.getKey())) {
                walk(root, e.getValue(), depth + 1, where + "/" + e.getKey());
            }
        }
    }
}

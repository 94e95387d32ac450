package dev.deliberate.llama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.InvalidSchemaException;
import java.util.Map;
import java.util.Set;

/**
 * Checks a JSON Schema before llama.cpp turns it into a grammar: the native converter throws a C++ exception (which
 * would end the JVM) on references it cannot resolve and on unknown types, so those are rejected here, typed. A
 * schema that refers back to itself before any JSON is written ({@code {"$ref":"#"}}, or through {@code anyOf},
 * {@code oneOf}, {@code allOf}) becomes a left-recursive grammar, which llama.cpp logs as unsupported and then ignores,
 * so the answer would run unconstrained and fail validation late: it is refused here too. Recursion through an object's
 * properties or an array's items is fine ({@code {} or {@code [} comes first).
 */
final class SchemaSupport {

    private static final Set<String> TYPES = Set.of("object", "array", "string", "number", "integer", "boolean",
            "null");
    private static final int MAX_DEPTH = 64;

    private SchemaSupport() {}

    static void check(JsonNode schema) {
        walk(schema, schema, 0, "#");
        leftRecursion(schema);
    }

    /** Composition keywords whose members start where the schema itself starts (no JSON written before them). */
    private static final java.util.List<String> SAME_START = java.util.List.of("anyOf", "oneOf", "allOf");

    /**
     * Looks for a cycle of {@code $ref}s that writes no JSON between its steps: from each schema, the schemas that
     * begin at the same character are its {@code $ref} target and its {@code anyOf}/{@code oneOf}/{@code allOf}
     * members. {@link #walk} has already checked that every reference resolves.
     */
    private static void leftRecursion(JsonNode root) {
        java.util.Map<String, Integer> state = new java.util.HashMap<>(); // 1 = on the path, 2 = done
        visit(root, root, "#", state, new java.util.ArrayDeque<>());
    }

    private static void visit(JsonNode root, JsonNode node, String where, java.util.Map<String, Integer> state,
            java.util.Deque<String> path) {
        if (!node.isObject() || path.size() > MAX_DEPTH) {
            return;
        }
        Integer seen = state.get(where);
        if (seen != null && seen == 2) {
            return;
        }
        if (seen != null) {
            throw new InvalidSchemaException("cannot constrain answers to this JSON Schema: " + where
                    + " refers back to itself before any JSON is written (" + String.join(" -> ", path) + " -> "
                    + where + "), a left recursion llama.cpp cannot turn into a grammar; put the recursion inside"
                    + " an object property or array items");
        }
        state.put(where, 1);
        path.addLast(where);
        JsonNode ref = node.get("$ref");
        if (ref != null && ref.isTextual() && ref.asText().startsWith("#")) {
            String target = ref.asText().substring(1);
            visit(root, root.at(target), "#" + target, state, path);
        }
        for (String key : SAME_START) {
            JsonNode members = node.get(key);
            if (members != null && members.isArray()) {
                for (int i = 0; i < members.size(); i++) {
                    // a member is named by its own pointer, so that a reference to it closes the same cycle
                    visit(root, members.get(i), where + "/" + key + "/" + i, state, path);
                }
            }
        }
        path.removeLast();
        state.put(where, 2);
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

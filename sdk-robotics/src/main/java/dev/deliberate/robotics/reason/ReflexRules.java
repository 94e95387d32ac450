package dev.deliberate.robotics.reason;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.robotics.RoboticsException;
import dev.deliberate.robotics.internal.BoundedJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reflexes written as JSON, for configuration files and the CLI ({@code robot serve --reflexes FILE}). A JSON array of
 * rules, checked in order; each has one condition on the goal's context and either a decision or an escalation:
 *
 * <pre>{@code
 * [
 *   {"when": {"pointer": "/distance_m", "below": 5}, "decide": {"action": "stop"}, "why": "obstacle closer than 5 m"},
 *   {"when": {"pointer": "/object", "equals": "person"}, "escalate": "a person may be on the lane"},
 *   {"when": {"pointer": "/lane_clear", "equals": true}, "decide": {"action": "slow_down", "target_speed_mps": 8}}
 * ]
 * }</pre>
 *
 * <p>Conditions: {@code equals} (any JSON value), {@code below} / {@code above} (numbers; a missing or non-numeric value
 * does not match), {@code exists} (boolean). Decisions are checked against the allowed-actions schema when the
 * reasoner is built. At most {@value #MAX_RULES} rules, {@value #MAX_CHARS} chars.
 */
public final class ReflexRules {

    /** Most rules in one file. */
    public static final int MAX_RULES = 256;
    /** Longest rules text. */
    public static final int MAX_CHARS = 256 * 1024;
    private static final BoundedJson JSON = new BoundedJson(MAX_CHARS, 16);
    private static final Set<String> RULE_KEYS = Set.of("when", "decide", "escalate", "why");
    private static final Set<String> WHEN_KEYS = Set.of("pointer", "equals", "below", "above", "exists");

    private ReflexRules() {}

    /**
     * Parses rules.
     *
     * @throws InvalidRulesException when the text is not such a rule array (the message names the rule)
     */
    public static List<Reflex> parse(String json) {
        JsonNode root;
        try {
            root = JSON.parse(json);
        } catch (BoundedJson.MalformedJsonException e) {
            throw new InvalidRulesException("reflex rules are not valid JSON: " + e.getMessage());
        }
        if (!root.isArray()) {
            throw new InvalidRulesException("reflex rules must be a JSON array of rules");
        }
        if (root.size() > MAX_RULES) {
            throw new InvalidRulesException("more than " + MAX_RULES + " reflex rules");
        }
        List<Reflex> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            out.add(rule(root.get(i), "rule " + (i + 1)));
        }
        return List.copyOf(out);
    }

    private static Reflex rule(JsonNode r, String where) {
        if (!r.isObject()) {
            throw new InvalidRulesException(where + ": must be an object");
        }
        r.fieldNames().forEachRemaining(k -> {
            if (!RULE_KEYS.contains(k)) {
                throw new InvalidRulesException(where + ": unknown field '" + k + "'");
            }
        });
        JsonNode when = r.get("when");
        if (when == null || !when.isObject()) {
            throw new InvalidRulesException(where + ": 'when' must be an object");
        }
        when.fieldNames().forEachRemaining(k -> {
            if (!WHEN_KEYS.contains(k)) {
                throw new InvalidRulesException(where + ": unknown condition '" + k + "'");
            }
        });
        JsonNode p = when.get("pointer");
        if (p == null || !p.isTextual()) {
            throw new InvalidRulesException(where + ": 'when.pointer' must be a JSON Pointer string like /distance_m");
        }
        String pointer = p.textValue();
        try {
            JsonPointer.compile(pointer);
        } catch (IllegalArgumentException e) {
            throw new InvalidRulesException(where + ": '" + pointer + "' is not a JSON Pointer");
        }
        java.util.function.Predicate<Situation> test = condition(when, pointer, where);
        boolean decides = r.has("decide");
        boolean escalates = r.has("escalate");
        if (decides == escalates) {
            throw new InvalidRulesException(where + ": needs exactly one of 'decide' and 'escalate'");
        }
        String why = r.path("why").asText("");
        String describe = describe(when, pointer);
        if (decides) {
            return Reflex.decideWhen(test, JSON.write(r.get("decide")),
                    why.isEmpty() ? "reflex rule: " + describe : why);
        }
        JsonNode e = r.get("escalate");
        String reason = e.isTextual() && !e.textValue().isBlank() ? e.textValue() : "reflex rule: " + describe;
        return Reflex.escalateWhen(test, reason);
    }

    private static java.util.function.Predicate<Situation> condition(JsonNode when, String pointer, String where) {
        int n = (when.has("equals") ? 1 : 0) + (when.has("below") ? 1 : 0) + (when.has("above") ? 1 : 0)
                + (when.has("exists") ? 1 : 0);
        if (n != 1) {
            throw new InvalidRulesException(where + ": 'when' needs exactly one of equals, below, above, exists");
        }
        if (when.has("equals")) {
            JsonNode v = when.get("equals");
            return s -> v.equals(s.at(pointer));
        }
        if (when.has("exists")) {
            if (!when.get("exists").isBoolean()) {
                throw new InvalidRulesException(where + ": 'exists' must be true or false");
            }
            boolean exists = when.get("exists").booleanValue();
            return s -> !s.at(pointer).isMissingNode() == exists;
        }
        boolean below = when.has("below");
        JsonNode bound = when.get(below ? "below" : "above");
        if (!bound.isNumber()) {
            throw new InvalidRulesException(where + ": '" + (below ? "below" : "above") + "' must be a number");
        }
        double b = bound.doubleValue();
        return s -> {
            JsonNode v = s.at(pointer);
            return v.isNumber() && (below ? v.doubleValue() < b : v.doubleValue() > b);
        };
    }

    private static String describe(JsonNode when, String pointer) {
        for (String k : List.of("equals", "below", "above", "exists")) {
            if (when.has(k)) {
                return pointer + " " + k + " " + JSON.write(when.get(k));
            }
        }
        return pointer;
    }

    /** Reflex rules that cannot be used. */
    public static final class InvalidRulesException extends RoboticsException {
        private static final long serialVersionUID = 1L;

        InvalidRulesException(String message) {
            super(message);
        }
    }
}

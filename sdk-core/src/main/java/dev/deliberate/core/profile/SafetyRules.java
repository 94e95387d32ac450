package dev.deliberate.core.profile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.cascade.CascadeRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A domain's safety rules over answers: fields that must never be empty, and values that force escalation to a person
 * (or to deeper reasoning). Applied after the answer validated against the schema, which cannot say "never empty" for
 * every field type nor "this value needs a human".
 *
 * @param requiredNonEmpty top-level fields that must be present and non-empty (not null, not "", not [], not {})
 * @param escalateWhen     each rule names a top-level field and the values that force escalation
 */
public record SafetyRules(List<String> requiredNonEmpty, List<EscalationRule> escalateWhen) {

    /** Validates. */
    public SafetyRules {
        requiredNonEmpty = List.copyOf(requiredNonEmpty);
        escalateWhen = List.copyOf(escalateWhen);
    }

    /** No rules. */
    public static SafetyRules none() {
        return new SafetyRules(List.of(), List.of());
    }

    /**
     * Escalate when {@code field} has one of {@code values} (compared as JSON text, so {@code "critical"} and
     * {@code true} both work).
     *
     * @param field  the top-level field
     * @param values the values that escalate
     */
    public record EscalationRule(String field, Set<JsonNode> values) {
        /** Validates. */
        public EscalationRule {
            Objects.requireNonNull(field, "field");
            values = Set.copyOf(values);
        }
    }

    /** Judges an answer. */
    public SafetyVerdict judge(JsonNode answer) {
        Objects.requireNonNull(answer, "answer");
        List<String> violations = new ArrayList<>();
        for (String f : requiredNonEmpty) {
            JsonNode v = answer.get(f);
            if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())
                    || (v.isContainerNode() && v.isEmpty())) {
                violations.add(f + " must not be empty");
            }
        }
        List<String> escalations = new ArrayList<>();
        for (EscalationRule r : escalateWhen) {
            JsonNode v = answer.get(r.field());
            if (v != null && r.values().contains(v)) {
                escalations.add(r.field() + " is " + v);
            }
        }
        return new SafetyVerdict(violations, escalations);
    }

    /**
     * These rules as a cascade rule: a JSON answer that breaks a rule or forces an escalation is not accepted, and the
     * cascade goes on to its next step (a text answer has no fields to judge and is left to the other rules).
     */
    public CascadeRule asCascadeRule() {
        return (request, answer) -> {
            if (answer.answerJson().isEmpty()) {
                return Optional.empty();
            }
            SafetyVerdict v = judge(answer.answerJson().get());
            if (v.passes()) {
                return Optional.empty();
            }
            List<String> why = new ArrayList<>(v.violations());
            why.addAll(v.escalations());
            return Optional.of("safety: " + String.join("; ", why));
        };
    }

    /**
     * What the rules say of one answer.
     *
     * @param violations  rules the answer breaks (an answer with violations must not be used as it is)
     * @param escalations why the answer must go to a person or to deeper reasoning
     */
    public record SafetyVerdict(List<String> violations, List<String> escalations) {
        /** Validates. */
        public SafetyVerdict {
            violations = List.copyOf(violations);
            escalations = List.copyOf(escalations);
        }

        /** Whether the answer breaks no rule and forces no escalation. */
        public boolean passes() {
            return violations.isEmpty() && escalations.isEmpty();
        }
    }
}

package dev.deliberate.robotics.reason;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A fast rule checked before any model is called: it decides at once, escalates the goal to deep reasoning, or passes.
 * Reflexes run on the goal's worker thread in the order configured; the first that does not pass wins. They must be
 * quick (microseconds) and must not block. {@link ReflexRules} reads them from JSON.
 */
@FunctionalInterface
public interface Reflex {

    /** The verdict for {@code situation}; {@link ReflexVerdict#pass()} for no opinion. */
    ReflexVerdict check(Situation situation);

    /** Decides {@code decisionJson} when {@code when} holds. */
    static Reflex decideWhen(Predicate<Situation> when, String decisionJson, String why) {
        Objects.requireNonNull(when, "when");
        ReflexVerdict verdict = ReflexVerdict.decide(decisionJson, why);
        return s -> when.test(s) ? verdict : ReflexVerdict.pass();
    }

    /** Escalates to deep reasoning when {@code when} holds. */
    static Reflex escalateWhen(Predicate<Situation> when, String why) {
        Objects.requireNonNull(when, "when");
        ReflexVerdict verdict = ReflexVerdict.escalate(why);
        return s -> when.test(s) ? verdict : ReflexVerdict.pass();
    }

    /** Escalates when the context value at {@code jsonPointer} is {@code true}, e.g. {@code /novel}. */
    static Reflex escalateWhenFlagged(String jsonPointer) {
        Objects.requireNonNull(jsonPointer, "jsonPointer");
        com.fasterxml.jackson.core.JsonPointer.compile(jsonPointer); // validates
        return s -> {
            JsonNode v = s.at(jsonPointer);
            return v.isBoolean() && v.booleanValue()
                    ? ReflexVerdict.escalate("situation marked novel (" + jsonPointer + " is true)")
                    : ReflexVerdict.pass();
        };
    }
}

package dev.deliberate.robotics.reason;

import java.util.Objects;

/** What a {@link Reflex} says about a situation. */
public sealed interface ReflexVerdict {

    /** No opinion: the next reflex, then the fast or deep path, decides. */
    static ReflexVerdict pass() {
        return Pass.INSTANCE;
    }

    /** Decide {@code decisionJson} now (it must satisfy the allowed-actions schema, else the goal escalates). */
    static ReflexVerdict decide(String decisionJson, String why) {
        return new Decide(decisionJson, why);
    }

    /** Skip the fast path: this situation needs deep reasoning. */
    static ReflexVerdict escalate(String why) {
        return new Escalate(why);
    }

    /** No opinion. */
    enum Pass implements ReflexVerdict {
        /** The only instance. */
        INSTANCE
    }

    /**
     * A decision.
     *
     * @param decisionJson the decision JSON
     * @param why          a short reason (goes to the result's rationale and path_reason)
     */
    record Decide(String decisionJson, String why) implements ReflexVerdict {
        /** Rejects nulls. */
        public Decide {
            Objects.requireNonNull(decisionJson, "decisionJson");
            Objects.requireNonNull(why, "why");
        }
    }

    /**
     * Escalation to deep reasoning.
     *
     * @param why a short reason (goes to the result's path_reason)
     */
    record Escalate(String why) implements ReflexVerdict {
        /** Rejects nulls. */
        public Escalate {
            Objects.requireNonNull(why, "why");
        }
    }
}

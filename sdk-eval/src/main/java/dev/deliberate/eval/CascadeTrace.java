package dev.deliberate.eval;

import dev.deliberate.core.cascade.CascadeResult;
import dev.deliberate.core.cascade.CascadeStep;
import dev.deliberate.core.cascade.StepResult;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The path a cascade took for one case: every step it tried, what became of it and why it escalated.
 *
 * @param steps     the steps in order
 * @param decidedBy the step whose answer was kept (accepted, or the last one that answered), if any
 * @param resolved  whether a step's answer was accepted
 */
public record CascadeTrace(List<Step> steps, Optional<String> decidedBy, boolean resolved) {

    /**
     * One step of the path.
     *
     * @param name   the step's name
     * @param tier   fast, deep or council
     * @param status accepted, escalated, failed or skipped
     * @param reason why it escalated, failed or was skipped
     */
    public record Step(String name, CascadeStep.Tier tier, StepResult.Status status, Optional<String> reason) {
        /** Rejects nulls. */
        public Step {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(tier, "tier");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Validates and copies. */
    public CascadeTrace {
        steps = List.copyOf(steps);
        Objects.requireNonNull(decidedBy, "decidedBy");
    }

    /** The trace of a cascade's result. */
    static CascadeTrace of(CascadeResult r) {
        return new CascadeTrace(r.path().stream().map(s -> new Step(s.step(), s.tier(), s.status(), s.reason()))
                .toList(), r.decidedBy(), r.resolved());
    }

    /** The step that answered when a step was accepted, else {@code "unresolved"}. */
    public String answeredBy() {
        return resolved ? decidedBy.orElse("unresolved") : "unresolved";
    }

    /** The path in one line, e.g. {@code fast escalated (confidence 0.3 < 0.8) > deep accepted}. */
    public String describe() {
        return steps.stream().map(s -> s.name() + " " + s.status().name().toLowerCase(java.util.Locale.ROOT)
                + s.reason().filter(x -> s.status() != StepResult.Status.ACCEPTED).map(x -> " (" + x + ")")
                .orElse("")).collect(Collectors.joining(" > "));
    }
}

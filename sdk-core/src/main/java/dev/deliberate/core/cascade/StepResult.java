package dev.deliberate.core.cascade;

import dev.deliberate.core.Reasoning;
import dev.deliberate.core.Usage;
import dev.deliberate.core.council.CouncilResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one step of a cascade did and cost.
 *
 * @param step      the step's name
 * @param tier      the step's tier
 * @param status    what the cascade did with it
 * @param reasoning a model step's result, when the call returned
 * @param council   a council step's result, when the council reached a result (also a partial one below quorum)
 * @param reason    why the cascade escalated past, or skipped, this step; empty when accepted
 * @param usage     tokens this step spent
 * @param elapsed   time this step took
 */
public record StepResult(String step, CascadeStep.Tier tier, Status status, Optional<Reasoning> reasoning,
        Optional<CouncilResult> council, Optional<String> reason, Usage usage, Duration elapsed) {

    /** What the cascade did with a step. */
    public enum Status {
        /** Its answer was accepted: the cascade stopped here. */
        ACCEPTED,
        /** Its answer was not good enough (invalid, low confidence, a rule, disagreement): the cascade went on. */
        ESCALATED,
        /** The call failed: the cascade went on. */
        FAILED,
        /** Not run (the case was marked novel and the step is fast). */
        SKIPPED
    }

    /** Rejects nulls. */
    public StepResult {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reasoning, "reasoning");
        Objects.requireNonNull(council, "council");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(elapsed, "elapsed");
    }
}

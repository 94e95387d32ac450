package dev.deliberate.core.council;

import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one member's call in one stage produced.
 *
 * @param member    the member's name
 * @param stage     the stage
 * @param model     the member's model provenance
 * @param status    how the call ended
 * @param reasoning the result, present when the call returned (status {@link Status#ANSWERED})
 * @param error     why it did not answer, present for every other status
 * @param elapsed   from the start of the stage to the end of this call (or to the council giving up on it)
 * @param sampling  the sampling the call used (the member's own, or the request's): with the seed, for provenance
 * @param thinkingBudget the thinking budget the council gave the call (planned within the council's caps), or the
 *                  request's when the call never started
 */
public record MemberOutcome(String member, CouncilStage stage, ModelInfo model, Status status,
        Optional<Reasoning> reasoning, Optional<String> error, Duration elapsed, Sampling sampling,
        ThinkingBudget thinkingBudget) {

    /** How a member's call ended. */
    public enum Status {
        /** It answered (for schema requests: with a valid answer). */
        ANSWERED,
        /** Its answer never validated against the schema (or, in a review, could not be read). */
        INVALID,
        /** It did not answer by the stage's deadline and was cancelled (or no time was left to start it). */
        TIMED_OUT,
        /** It failed: backend down, bad request, any other error. */
        FAILED
    }

    /** Validates: an answered outcome has a result and no error, any other has an error. */
    public MemberOutcome {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reasoning, "reasoning");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(thinkingBudget, "thinkingBudget");
        if ((status == Status.ANSWERED) != reasoning.isPresent() || (status == Status.ANSWERED) == error.isPresent()) {
            throw new IllegalArgumentException("an ANSWERED outcome has a result and no error; others an error");
        }
    }

    /** Whether the member answered. */
    public boolean answered() {
        return status == Status.ANSWERED;
    }
}

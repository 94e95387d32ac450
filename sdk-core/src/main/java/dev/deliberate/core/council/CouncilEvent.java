package dev.deliberate.core.council;

import dev.deliberate.core.ReasoningEvent;
import java.util.Objects;

/** What a council reports while it works; every event names the member it is about. */
public sealed interface CouncilEvent permits CouncilEvent.Member, CouncilEvent.MemberFailed,
        CouncilEvent.StageStarted {

    /**
     * A member's own streaming event (thinking, answer, done).
     *
     * @param member the member's name
     * @param stage  the stage the call belongs to
     * @param event  the member's event
     */
    record Member(String member, CouncilStage stage, ReasoningEvent event) implements CouncilEvent {
        /** Rejects nulls. */
        public Member {
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(event, "event");
        }
    }

    /**
     * A member's call failed, timed out or gave an invalid answer; the council goes on without it.
     *
     * @param member the member's name
     * @param stage  the stage
     * @param status what happened
     * @param error  why, in one line
     */
    record MemberFailed(String member, CouncilStage stage, MemberOutcome.Status status, String error)
            implements CouncilEvent {
        /** Rejects nulls. */
        public MemberFailed {
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(error, "error");
        }
    }

    /**
     * A stage begins.
     *
     * @param stage the stage
     */
    record StageStarted(CouncilStage stage) implements CouncilEvent {
        /** Rejects null. */
        public StageStarted {
            Objects.requireNonNull(stage, "stage");
        }
    }
}

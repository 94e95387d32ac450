package dev.deliberate.core.council;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.Usage;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Everything a council produced: each member's answer (or error), the reviews, the agreement measures, the
 * disagreement flag and the consensus.
 *
 * @param members        stage 1 outcomes, one per member, in the council's member order
 * @param reviews        stage 2 judgements, de-anonymised
 * @param reviewCalls    stage 2 outcomes, one per reviewing member (errors of reviewers are here)
 * @param agreement      overall agreement in [0, 1] (see {@link Aggregation})
 * @param fieldAgreement per-field agreement for schema answers
 * @param reviewAgreement share of reviews that agree, when there were reviews
 * @param threshold      the disagreement threshold in force
 * @param disagreement   whether {@code agreement < threshold}: the signal to escalate (e.g. to a person)
 * @param consensus      the consensus answer (for text answers a JSON string), empty when there is none
 * @param chair          the chair's outcome, when a chair was configured and the council reached it
 * @param usage          token counts summed over every call of every stage
 * @param timings        time per stage
 * @param startedAt      when the council started
 */
public record CouncilResult(List<MemberOutcome> members, List<Review> reviews, List<MemberOutcome> reviewCalls,
        double agreement, List<FieldAgreement> fieldAgreement, OptionalDouble reviewAgreement, double threshold,
        boolean disagreement, Optional<JsonNode> consensus, Optional<MemberOutcome> chair, Usage usage,
        CouncilTimings timings, Instant startedAt) {

    /** Validates and copies. */
    public CouncilResult {
        members = List.copyOf(members);
        reviews = List.copyOf(reviews);
        reviewCalls = List.copyOf(reviewCalls);
        fieldAgreement = List.copyOf(fieldAgreement);
        Objects.requireNonNull(reviewAgreement, "reviewAgreement");
        Objects.requireNonNull(consensus, "consensus");
        consensus = consensus.map(JsonNode::deepCopy);
        Objects.requireNonNull(chair, "chair");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(startedAt, "startedAt");
        if (!(agreement >= 0 && agreement <= 1)) {
            throw new IllegalArgumentException("agreement must be in [0, 1], got " + agreement);
        }
    }

    @Override
    public Optional<JsonNode> consensus() {
        return consensus.map(JsonNode::deepCopy);
    }

    /** The members that answered validly. */
    public List<MemberOutcome> answered() {
        return members.stream().filter(MemberOutcome::answered).toList();
    }

    /**
     * The council's final answer: the chair's when it answered, else the consensus; empty when there is neither.
     * For text answers a JSON string.
     */
    public Optional<JsonNode> finalAnswer() {
        if (chair.isPresent() && chair.get().answered()) {
            var r = chair.get().reasoning().orElseThrow();
            return Optional.of(r.answerJson().orElseGet(() -> com.fasterxml.jackson.databind.node.TextNode
                    .valueOf(r.answer())));
        }
        return consensus();
    }
}

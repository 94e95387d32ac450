package dev.deliberate.core.council;

import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.ThinkingBudget;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a council runs: quorum, disagreement threshold, consensus rule, and the caps it shares among its members.
 *
 * @param quorum                 the least number of members whose answers must be valid; 0 means a majority of the
 *                               members ({@code members / 2 + 1}). Fewer: {@link CouncilQuorumException}
 * @param threshold              overall agreement below this sets {@link CouncilResult#disagreement()}; in [0, 1]
 * @param consensusRule          how the consensus is formed
 * @param review                 whether stage 2 (cross-review) runs
 * @param maxConcurrentLocal     most local generations at once (local members share the CPU); at least 1
 * @param totalThinkingTokens    thinking tokens for the whole council, split over stages and calls;
 *                               {@link ThinkingBudget#UNLIMITED} for no shared cap
 * @param deadline               time for the whole council, from the call; the core's deadline planner turns each
 *                               stage's share into thinking budgets, and members still running at a stage's end are
 *                               cancelled and recorded as timed out
 * @param shuffleSeed            seeds the order in which answers are shown to reviewers and the chair
 * @param critiqueMaxChars       the longest critique a reviewer may write
 * @param reviewAnswerMaxTokens  answer tokens for a review
 */
public record CouncilOptions(int quorum, double threshold, ConsensusRule consensusRule, boolean review,
        int maxConcurrentLocal, int totalThinkingTokens, Optional<Duration> deadline, long shuffleSeed,
        int critiqueMaxChars, int reviewAnswerMaxTokens) {

    /** Default disagreement threshold. */
    public static final double DEFAULT_THRESHOLD = 0.75;

    /** Validates. */
    public CouncilOptions {
        if (quorum < 0) {
            throw new InvalidRequestException("quorum must be >= 0 (0 = majority), got " + quorum);
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new InvalidRequestException("disagreement threshold must be in [0, 1], got " + threshold);
        }
        Objects.requireNonNull(consensusRule, "consensusRule");
        if (maxConcurrentLocal < 1) {
            throw new InvalidRequestException("max concurrent local generations must be >= 1, got "
                    + maxConcurrentLocal);
        }
        if (totalThinkingTokens < 0) {
            throw new InvalidRequestException("total thinking tokens must be >= 0, got " + totalThinkingTokens);
        }
        Objects.requireNonNull(deadline, "deadline");
        deadline.ifPresent(d -> {
            if (d.isNegative() || d.isZero()) {
                throw new InvalidRequestException("council deadline must be positive, got " + d);
            }
        });
        if (critiqueMaxChars < 8 || critiqueMaxChars > 4000) {
            throw new InvalidRequestException("critique length must be in [8, 4000], got " + critiqueMaxChars);
        }
        if (reviewAnswerMaxTokens < 16) {
            throw new InvalidRequestException("review answer tokens must be >= 16, got " + reviewAnswerMaxTokens);
        }
    }

    /** Majority quorum, threshold 0.75, majority consensus, reviews on, one local generation at a time, no caps. */
    public static CouncilOptions defaults() {
        return builder().build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.quorum = quorum;
        b.threshold = threshold;
        b.consensusRule = consensusRule;
        b.review = review;
        b.maxConcurrentLocal = maxConcurrentLocal;
        b.totalThinkingTokens = totalThinkingTokens;
        b.deadline = deadline;
        b.shuffleSeed = shuffleSeed;
        b.critiqueMaxChars = critiqueMaxChars;
        b.reviewAnswerMaxTokens = reviewAnswerMaxTokens;
        return b;
    }

    /** The quorum for a council of {@code members}. */
    public int effectiveQuorum(int members) {
        return quorum == 0 ? members / 2 + 1 : quorum;
    }

    /** Builds {@link CouncilOptions}; validation happens in {@link #build()}. */
    public static final class Builder {
        private int quorum;
        private double threshold = DEFAULT_THRESHOLD;
        private ConsensusRule consensusRule = ConsensusRule.MAJORITY;
        private boolean review = true;
        private int maxConcurrentLocal = 1;
        private int totalThinkingTokens = ThinkingBudget.UNLIMITED;
        private Optional<Duration> deadline = Optional.empty();
        private long shuffleSeed = 0x5eed;
        private int critiqueMaxChars = 280;
        private int reviewAnswerMaxTokens = 512;

        private Builder() {}

        /** Sets the quorum (0 = majority of the members). */
        public Builder quorum(int n) {
            this.quorum = n;
            return this;
        }

        /** Sets the disagreement threshold. */
        public Builder threshold(double t) {
            this.threshold = t;
            return this;
        }

        /** Sets the consensus rule. */
        public Builder consensusRule(ConsensusRule rule) {
            this.consensusRule = Objects.requireNonNull(rule, "rule");
            return this;
        }

        /** Turns stage 2 (cross-review) on or off. */
        public Builder review(boolean on) {
            this.review = on;
            return this;
        }

        /** Sets the most concurrent local generations. */
        public Builder maxConcurrentLocal(int n) {
            this.maxConcurrentLocal = n;
            return this;
        }

        /** Sets the council's total thinking tokens. */
        public Builder totalThinkingTokens(int n) {
            this.totalThinkingTokens = n;
            return this;
        }

        /** Sets the council's deadline, counted from each call. */
        public Builder deadline(Duration d) {
            this.deadline = Optional.of(Objects.requireNonNull(d, "deadline"));
            return this;
        }

        /** Sets the seed of the order answers are shown in. */
        public Builder shuffleSeed(long seed) {
            this.shuffleSeed = seed;
            return this;
        }

        /** Sets the longest critique. */
        public Builder critiqueMaxChars(int n) {
            this.critiqueMaxChars = n;
            return this;
        }

        /** Sets the answer tokens of a review. */
        public Builder reviewAnswerMaxTokens(int n) {
            this.reviewAnswerMaxTokens = n;
            return this;
        }

        /** Validates and builds. */
        public CouncilOptions build() {
            return new CouncilOptions(quorum, threshold, consensusRule, review, maxConcurrentLocal,
                    totalThinkingTokens, deadline, shuffleSeed, critiqueMaxChars, reviewAnswerMaxTokens);
        }
    }
}

package dev.deliberate.core.council;

/** How the council forms its consensus answer from the members' answers. */
public enum ConsensusRule {
    /** Every answer counts the same: per field, the value held by a strict majority of the answers. */
    MAJORITY,
    /**
     * Each answer weighs {@code (agreeing reviews + 1) / (reviews + 2)}: an answer the other members agreed with counts
     * more; per field, the value held by a strict majority of the weight.
     */
    REVIEW_WEIGHTED
}

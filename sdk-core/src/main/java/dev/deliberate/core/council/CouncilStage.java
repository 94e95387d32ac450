package dev.deliberate.core.council;

/** The stages of a council, in order. */
public enum CouncilStage {
    /** Stage 1: every member answers the request independently. */
    ANSWER,
    /** Stage 2: every member that answered judges the others' anonymised answers. */
    REVIEW,
    /** Optional last stage: the chair synthesises one answer under the same format. */
    CHAIR
}

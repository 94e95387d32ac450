package dev.deliberate.core.council;

import java.util.Objects;

/**
 * One member's judgement of another member's answer, given without knowing whose answer it was.
 *
 * @param reviewer the reviewing member's name
 * @param subject  the name of the member whose answer was judged
 * @param agrees   whether the reviewer agrees with the answer
 * @param critique a short critique, as the reviewer wrote it
 */
public record Review(String reviewer, String subject, boolean agrees, String critique) {
    /** Rejects nulls and self-reviews. */
    public Review {
        Objects.requireNonNull(reviewer, "reviewer");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(critique, "critique");
        if (reviewer.equals(subject)) {
            throw new IllegalArgumentException("a member does not review itself: " + reviewer);
        }
    }
}

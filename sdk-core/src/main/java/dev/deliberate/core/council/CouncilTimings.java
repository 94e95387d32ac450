package dev.deliberate.core.council;

import java.time.Duration;
import java.util.Objects;

/**
 * How long each stage of a council took (zero for stages that did not run).
 *
 * @param answers     stage 1
 * @param reviews     stage 2
 * @param aggregation stage 3 (measuring agreement and forming the consensus)
 * @param chair       the chair's synthesis
 * @param total       the whole council call
 */
public record CouncilTimings(Duration answers, Duration reviews, Duration aggregation, Duration chair,
        Duration total) {
    /** Rejects nulls. */
    public CouncilTimings {
        Objects.requireNonNull(answers, "answers");
        Objects.requireNonNull(reviews, "reviews");
        Objects.requireNonNull(aggregation, "aggregation");
        Objects.requireNonNull(chair, "chair");
        Objects.requireNonNull(total, "total");
    }
}

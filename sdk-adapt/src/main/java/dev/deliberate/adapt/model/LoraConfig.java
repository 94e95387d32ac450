package dev.deliberate.adapt.model;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Low-rank adaptation settings: each targeted projection {@code y = W x} becomes
 * {@code y = W x + (alpha / rank) * B (A dropout(x))}, with {@code A} of shape {@code (rank, in)} initialised from
 * a seeded random and {@code B} of shape {@code (out, rank)} initialised to zeros, so that a fresh adapter changes
 * nothing.
 *
 * @param rank    rank of {@code A} and {@code B}, at least 1
 * @param alpha   scale numerator, positive
 * @param dropout probability of dropping an input element of the adapter path while training, in {@code [0, 1)}
 * @param targets projections to adapt, not empty
 */
public record LoraConfig(int rank, float alpha, float dropout, Set<LoraTarget> targets) {

    /** Checks the ranges and copies the targets. */
    public LoraConfig {
        Objects.requireNonNull(targets, "targets");
        if (rank < 1) {
            throw new IllegalArgumentException("rank must be at least 1: " + rank);
        }
        if (!(alpha > 0) || Float.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha must be positive and finite: " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1): " + dropout);
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("at least one target projection is needed");
        }
        targets = Set.copyOf(EnumSet.copyOf(targets));
    }

    /**
     * @param rank rank; alpha is set to twice the rank, dropout to 0, targets to q, k, v and o
     * @return a common attention-only configuration
     */
    public static LoraConfig attention(int rank) {
        return new LoraConfig(rank, 2f * rank, 0f, EnumSet.of(LoraTarget.Q, LoraTarget.K, LoraTarget.V,
                LoraTarget.O));
    }

    /**
     * @param rank rank; alpha is set to twice the rank, dropout to 0
     * @return a configuration adapting all seven projections
     */
    public static LoraConfig allProjections(int rank) {
        return new LoraConfig(rank, 2f * rank, 0f, EnumSet.allOf(LoraTarget.class));
    }

    /** @return {@code alpha / rank}, the factor on the adapter path */
    public float scale() {
        return alpha / rank;
    }
}

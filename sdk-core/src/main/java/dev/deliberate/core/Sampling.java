package dev.deliberate.core;

import java.util.OptionalLong;

/**
 * Sampling parameters. The defaults follow DeepSeek's advice for R1-family models (temperature 0.6, top-p 0.95).
 *
 * @param temperature 0 for greedy decoding, otherwise in (0, 2]
 * @param topP        nucleus sampling bound in (0, 1]
 * @param topK        keep the k most likely tokens; 0 disables the bound
 * @param seed        a fixed seed makes local generation repeatable; empty picks one per call
 */
public record Sampling(double temperature, double topP, int topK, OptionalLong seed) {

    /** Validates the ranges. */
    public Sampling {
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new InvalidRequestException("temperature must be in [0, 2], got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new InvalidRequestException("top-p must be in (0, 1], got " + topP);
        }
        if (topK < 0) {
            throw new InvalidRequestException("top-k must be >= 0, got " + topK);
        }
        java.util.Objects.requireNonNull(seed, "seed");
    }

    /** Temperature 0.6, top-p 0.95, no top-k bound, no fixed seed. */
    public static Sampling defaults() {
        return new Sampling(0.6, 0.95, 0, OptionalLong.empty());
    }

    /** Greedy decoding: always the most likely token. */
    public static Sampling greedy() {
        return new Sampling(0, 1, 0, OptionalLong.empty());
    }

    /** This sampling with a fixed seed. */
    public Sampling withSeed(long seed) {
        return new Sampling(temperature, topP, topK, OptionalLong.of(seed));
    }

    /** This sampling with another temperature. */
    public Sampling withTemperature(double temperature) {
        return new Sampling(temperature, topP, topK, seed);
    }
}

package dev.deliberate.adapt.model;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * The two LoRA matrices of one adapted projection, owned by their {@link DecoderModel}.
 *
 * @param a down-projection, shape {@code (rank, in)} (GGUF {@code [in, rank]})
 * @param b up-projection, shape {@code (out, rank)} (GGUF {@code [rank, out]})
 */
public record LoraWeights(NDArray a, NDArray b) {

    /** Checks that both are present. */
    public LoraWeights {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
    }
}

package dev.deliberate.gguf.lora;

/**
 * The shape of one adapted weight matrix: a base tensor of ggml shape {@code [in, out]} (PyTorch {@code (out, in)}),
 * adapted by a pair of rank {@code rank}.
 *
 * @param in   the base tensor's row length ({@code ne[0]}), the number of inputs of the projection
 * @param out  the base tensor's number of rows ({@code ne[1]}), the number of outputs
 * @param rank the pair's rank
 */
public record LoraTarget(long in, long out, int rank) {

    /** Checks all dimensions are positive. */
    public LoraTarget {
        if (in <= 0 || out <= 0 || rank <= 0) {
            throw new IllegalArgumentException("LoRA dimensions must be positive: in=" + in + ", out=" + out
                    + ", rank=" + rank);
        }
    }

    /** @return ggml shape of {@code lora_a}: {@code [in, rank]} */
    public String aShape() {
        return "[" + in + ", " + rank + "]";
    }

    /** @return ggml shape of {@code lora_b}: {@code [rank, out]} */
    public String bShape() {
        return "[" + rank + ", " + out + "]";
    }
}

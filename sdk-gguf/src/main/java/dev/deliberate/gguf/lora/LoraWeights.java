package dev.deliberate.gguf.lora;

import java.util.Arrays;
import java.util.Objects;

/**
 * The two low-rank factors adapting one base weight matrix. Immutable: the arrays are copied in and out.
 *
 * <p>Layout, for a base tensor of ggml shape {@code [in, out]} (PyTorch {@code W} of shape {@code (out, in)}, so
 * {@code y = W x}) and rank {@code r}:
 * <ul>
 *   <li>{@code a} has ggml shape {@code [in, r]}: {@code r} rows of {@code in} values, element {@code (i, k)} at index
 *       {@code k * in + i}. This is PyTorch/PEFT's {@code lora_A.weight} of shape {@code (r, in)}, row-major.</li>
 *   <li>{@code b} has ggml shape {@code [r, out]}: {@code out} rows of {@code r} values, element {@code (k, o)} at index
 *       {@code o * r + k}. This is PEFT's {@code lora_B.weight} of shape {@code (out, r)}, row-major.</li>
 * </ul>
 * The adapted projection is {@code y = W x + s * B (A x)} with {@code s} = {@link LoraAdapter#scaling()} times the
 * scale the adapter is applied with; in the weight's own layout
 * {@code W'[o * in + i] = W[o * in + i] + s * sum_k b[o * r + k] * a[k * in + i]}. This is what llama.cpp computes
 * ({@code ggml_mul_mat(lora_b, ggml_mul_mat(lora_a, x))}) for every adapted tensor except {@code token_embd.weight},
 * which it treats with the factors swapped and which Deliberate therefore does not adapt.
 */
public final class LoraWeights {

    private final int in;
    private final int out;
    private final int rank;
    private final float[] a;
    private final float[] b;

    /**
     * @param in   the base tensor's row length (ggml {@code ne[0]})
     * @param out  the base tensor's number of rows (ggml {@code ne[1]})
     * @param rank the rank {@code r}
     * @param a    {@code in * r} values, layout above; copied
     * @param b    {@code r * out} values, layout above; copied
     * @throws IllegalArgumentException if a dimension is not positive, an array has the wrong length or holds a value
     *                                  that is not finite
     */
    public LoraWeights(int in, int out, int rank, float[] a, float[] b) {
        if (in <= 0 || out <= 0 || rank <= 0) {
            throw new IllegalArgumentException("LoRA dimensions must be positive: in=" + in + ", out=" + out
                    + ", rank=" + rank);
        }
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.length != (long) in * rank) {
            throw new IllegalArgumentException("lora_a of shape [" + in + ", " + rank + "] needs "
                    + (long) in * rank + " values, not " + a.length);
        }
        if (b.length != (long) rank * out) {
            throw new IllegalArgumentException("lora_b of shape [" + rank + ", " + out + "] needs "
                    + (long) rank * out + " values, not " + b.length);
        }
        this.in = in;
        this.out = out;
        this.rank = rank;
        this.a = a.clone();
        this.b = b.clone();
        checkFinite(this.a, "lora_a");
        checkFinite(this.b, "lora_b");
    }

    private static void checkFinite(float[] v, String what) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException(what + "[" + i + "] is not finite: " + v[i]);
            }
        }
    }

    /** @return the base tensor's row length (ggml {@code ne[0]}) */
    public int in() {
        return in;
    }

    /** @return the base tensor's number of rows (ggml {@code ne[1]}) */
    public int out() {
        return out;
    }

    /** @return the rank */
    public int rank() {
        return rank;
    }

    /** @return the shape description */
    public LoraTarget target() {
        return new LoraTarget(in, out, rank);
    }

    /** @return a copy of {@code a}, ggml shape {@code [in, rank]} */
    public float[] a() {
        return a.clone();
    }

    /** @return a copy of {@code b}, ggml shape {@code [rank, out]} */
    public float[] b() {
        return b.clone();
    }

    /** The array itself, for code in this package that only reads it. */
    float[] aView() {
        return a;
    }

    /** The array itself, for code in this package that only reads it. */
    float[] bView() {
        return b;
    }

    /**
     * Adds {@code s * B A} to rows {@code [fromRow, fromRow + rows)} of a base weight held in {@code w} (row length
     * {@code in}, row {@code fromRow} at index 0).
     */
    void addDelta(float[] w, int fromRow, int rows, float s) {
        float[] coef = new float[rank];
        for (int o = 0; o < rows; o++) {
            int row = fromRow + o;
            for (int k = 0; k < rank; k++) {
                coef[k] = s * b[row * rank + k];
            }
            int base = o * in;
            for (int k = 0; k < rank; k++) {
                float c = coef[k];
                if (c == 0f) {
                    continue;
                }
                int ak = k * in;
                for (int i = 0; i < in; i++) {
                    w[base + i] += c * a[ak + i];
                }
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoraWeights w && w.in == in && w.out == out && w.rank == rank && Arrays.equals(w.a, a)
                && Arrays.equals(w.b, b);
    }

    @Override
    public int hashCode() {
        return Objects.hash(in, out, rank, Arrays.hashCode(a), Arrays.hashCode(b));
    }

    @Override
    public String toString() {
        return "LoraWeights[a " + target().aShape() + ", b " + target().bShape() + "]";
    }
}

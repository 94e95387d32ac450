package dev.deliberate.adapt.model;

import dev.deliberate.gguf.GgufFile;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The shape and hyper-parameters of a decoder, as read from GGUF metadata ({@code <arch>.embedding_length} and
 * friends).
 *
 * @param architecture    the decoder family
 * @param hiddenSize      embedding length
 * @param layers          transformer blocks
 * @param heads           query heads
 * @param kvHeads         key/value heads (grouped-query attention); divides {@code heads}
 * @param feedForwardSize hidden size of the gated feed-forward network
 * @param vocabularySize  rows of the token embedding
 * @param ropeFreqBase    base of the rotary frequencies ({@code rope.freq_base})
 * @param rmsEpsilon      epsilon of the RMS norms ({@code attention.layer_norm_rms_epsilon})
 * @param contextLength   trained context length; longer sequences are refused
 * @param ropeStyle       how positions are rotated; {@link Architecture#ropeStyle()} unless a test overrides it
 */
public record ModelConfig(Architecture architecture, int hiddenSize, int layers, int heads, int kvHeads,
        int feedForwardSize, int vocabularySize, float ropeFreqBase, float rmsEpsilon, int contextLength,
        RopeStyle ropeStyle) {

    /** Checks that the sizes form a model. */
    public ModelConfig {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(ropeStyle, "ropeStyle");
        if (hiddenSize < 1 || layers < 1 || heads < 1 || kvHeads < 1 || feedForwardSize < 1 || vocabularySize < 1
                || contextLength < 1) {
            throw new IllegalArgumentException("sizes must be positive: hidden " + hiddenSize + ", layers " + layers
                    + ", heads " + heads + ", kv heads " + kvHeads + ", ffn " + feedForwardSize + ", vocabulary "
                    + vocabularySize + ", context " + contextLength);
        }
        if (hiddenSize % heads != 0 || heads % kvHeads != 0 || (hiddenSize / heads) % 2 != 0) {
            throw new IllegalArgumentException("hidden size " + hiddenSize + " must split into " + heads
                    + " heads of even size, and the heads into groups of " + kvHeads + " kv heads");
        }
        if (!(ropeFreqBase > 0) || !(rmsEpsilon > 0)) {
            throw new IllegalArgumentException("rope base and rms epsilon must be positive: " + ropeFreqBase + ", "
                    + rmsEpsilon);
        }
    }

    /**
     * Reads the configuration from a GGUF header.
     *
     * @param gguf the header
     * @return the configuration
     * @throws UnsupportedModelException if the architecture is not one of {@link Architecture} or a key is missing
     */
    public static ModelConfig fromGguf(GgufFile gguf) {
        String name = gguf.architecture().orElseThrow(() -> new UnsupportedModelException(gguf.source()
                + " has no general.architecture; supported: " + Architecture.supportedNames()));
        Architecture arch = Architecture.ofGguf(name).orElseThrow(() -> new UnsupportedModelException(
                gguf.source() + " has architecture " + name + ", which cannot be adapted; supported: "
                        + Architecture.supportedNames()));
        String p = name + ".";
        int hidden = intKey(gguf, p + "embedding_length");
        int heads = intKey(gguf, p + "attention.head_count");
        int kvHeads = gguf.getInteger(p + "attention.head_count_kv").isPresent()
                ? intKey(gguf, p + "attention.head_count_kv") : heads;
        int vocab = gguf.tensor("token_embd.weight").filter(t -> t.shape().size() == 2)
                .map(t -> Math.toIntExact(t.shape().get(1)))
                .orElseThrow(() -> new UnsupportedModelException(gguf.source()
                        + " has no two-dimensional token_embd.weight"));
        if (gguf.getInteger(p + "rope.dimension_count").isPresent()
                && intKey(gguf, p + "rope.dimension_count") != hidden / Math.max(1, heads)) {
            throw new UnsupportedModelException(gguf.source() + " rotates only part of each head ("
                    + p + "rope.dimension_count); supported: rotation of the whole head");
        }
        try {
            return new ModelConfig(arch, hidden, intKey(gguf, p + "block_count"), heads, kvHeads,
                    intKey(gguf, p + "feed_forward_length"), vocab,
                    gguf.getFloat(p + "rope.freq_base").orElse(10000.0).floatValue(),
                    gguf.getFloat(p + "attention.layer_norm_rms_epsilon").orElseThrow(() -> missing(gguf,
                            p + "attention.layer_norm_rms_epsilon")).floatValue(),
                    intKey(gguf, p + "context_length"), arch.ropeStyle());
        } catch (IllegalArgumentException e) {
            throw new UnsupportedModelException(gguf.source() + ": " + e.getMessage(), e);
        }
    }

    private static int intKey(GgufFile gguf, String key) {
        OptionalLong v = gguf.getInteger(key);
        if (v.isEmpty()) {
            throw missing(gguf, key);
        }
        if (v.getAsLong() < 1 || v.getAsLong() > Integer.MAX_VALUE) {
            throw new UnsupportedModelException(gguf.source() + ": " + key + " = " + v.getAsLong()
                    + " is out of range");
        }
        return (int) v.getAsLong();
    }

    private static UnsupportedModelException missing(GgufFile gguf, String key) {
        return new UnsupportedModelException(gguf.source() + " lacks the metadata key " + key);
    }

    /** @return size of one attention head */
    public int headSize() {
        return hiddenSize / heads;
    }

    /** @return width of the key and value projections ({@code kvHeads * headSize}) */
    public int kvSize() {
        return kvHeads * headSize();
    }

    /**
     * The number of weights of a model of this shape, for estimates before loading (the DJL pass holds each as a
     * 4-byte float).
     *
     * @param qkvBiases  whether the q/k/v projections have biases (qwen2 files do)
     * @param tiedOutput whether the output head is the token embedding
     * @return the parameter count
     */
    public long parameterCount(boolean qkvBiases, boolean tiedOutput) {
        long h = hiddenSize;
        long kv = kvSize();
        long perLayer = 2 * h + 2 * h * h + 2 * h * kv + 3 * h * feedForwardSize + (qkvBiases ? h + 2 * kv : 0);
        return (tiedOutput ? 1 : 2) * h * vocabularySize + layers * perLayer + h;
    }

    /**
     * @param style another rotation
     * @return this configuration with {@code style}; for tests that show a wrong rotation is detected
     */
    public ModelConfig withRopeStyle(RopeStyle style) {
        return new ModelConfig(architecture, hiddenSize, layers, heads, kvHeads, feedForwardSize, vocabularySize,
                ropeFreqBase, rmsEpsilon, contextLength, style);
    }
}

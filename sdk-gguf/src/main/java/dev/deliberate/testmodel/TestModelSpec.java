package dev.deliberate.testmodel;

import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFileType;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The shape of a generated test model (a Qwen2 decoder) and the encoding of its weights. Use a
 * {@link TestModelPreset} unless a test needs a particular size.
 *
 * <p>Encodings: {@link GgufFileType#ALL_F32}, {@link GgufFileType#MOSTLY_F16} and the uniform ("pure", as
 * {@code llama-quantize --pure}) quantizations put every matrix in {@code weightType}; the mixed recipes
 * {@link GgufFileType#MOSTLY_Q4_K_M} and {@link GgufFileType#MOSTLY_Q5_K_M} follow llama.cpp's
 * {@code llama_tensor_get_type} for these file types (see {@link #tensorType}). Norms and biases are always F32.
 * A k-quant needs rows that are whole 256-value super-blocks, so the hidden size must be a multiple of 256; where
 * a row is not (the feed-forward size, for example 640, is the row length of {@code ffn_down}), the tensor falls back to a 32-value block type as llama.cpp does: Q4_K to Q5_0, Q5_K to Q5_1, Q6_K to
 * Q8_0.
 *
 * @param name            {@code general.name} written into the file
 * @param hiddenSize      embedding length
 * @param layers          number of transformer blocks
 * @param heads           attention heads (query)
 * @param kvHeads         key/value heads (grouped-query attention); divides {@code heads}
 * @param feedForwardSize hidden size of the gated feed-forward network
 * @param vocabularySize  tokens in the vocabulary: 256 byte tokens, learned merges, fillers and 9 special tokens
 * @param merges          BPE merges to learn from the built-in corpus (fewer if the corpus runs out)
 * @param contextLength   trained context length written as {@code qwen2.context_length}
 * @param weightType      encoding of the matrices (the main type of a mixed recipe): F32, F16, Q8_0, Q4_0, Q4_1,
 *                        Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K or Q6_K
 * @param fileType        {@code general.file_type}, which also selects uniform or mixed encoding
 */
public record TestModelSpec(String name, int hiddenSize, int layers, int heads, int kvHeads, int feedForwardSize,
        int vocabularySize, int merges, int contextLength, GgmlType weightType, GgufFileType fileType) {

    /** Weight types a spec accepts, each with the file type of a uniform file of it. */
    private static final Map<GgmlType, GgufFileType> UNIFORM = uniform();

    private static Map<GgmlType, GgufFileType> uniform() {
        Map<GgmlType, GgufFileType> m = new EnumMap<>(GgmlType.class);
        m.put(GgmlType.F32, GgufFileType.ALL_F32);
        m.put(GgmlType.F16, GgufFileType.MOSTLY_F16);
        m.put(GgmlType.Q8_0, GgufFileType.MOSTLY_Q8_0);
        m.put(GgmlType.Q4_0, GgufFileType.MOSTLY_Q4_0);
        m.put(GgmlType.Q4_1, GgufFileType.MOSTLY_Q4_1);
        m.put(GgmlType.Q5_0, GgufFileType.MOSTLY_Q5_0);
        m.put(GgmlType.Q5_1, GgufFileType.MOSTLY_Q5_1);
        m.put(GgmlType.Q2_K, GgufFileType.MOSTLY_Q2_K);
        m.put(GgmlType.Q3_K, GgufFileType.MOSTLY_Q3_K_S);
        m.put(GgmlType.Q4_K, GgufFileType.MOSTLY_Q4_K_S);
        m.put(GgmlType.Q5_K, GgufFileType.MOSTLY_Q5_K_S);
        m.put(GgmlType.Q6_K, GgufFileType.MOSTLY_Q6_K);
        return m;
    }

    /**
     * A uniformly encoded model: every matrix in {@code weightType}, {@code general.file_type} the matching code
     * (for uniform k-quants the nearest llama.cpp label: Q4_K as Q4_K_S, Q5_K as Q5_K_S, Q3_K as Q3_K_S).
     */
    public TestModelSpec(String name, int hiddenSize, int layers, int heads, int kvHeads, int feedForwardSize,
            int vocabularySize, int merges, int contextLength, GgmlType weightType) {
        this(name, hiddenSize, layers, heads, kvHeads, feedForwardSize, vocabularySize, merges, contextLength,
                weightType, UNIFORM.get(Objects.requireNonNull(weightType, "weightType")));
    }

    /** Checks the shape is one llama.cpp can load. */
    public TestModelSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(weightType, "weightType");
        if (!UNIFORM.containsKey(weightType)) {
            throw new IllegalArgumentException("weight type must be one of " + UNIFORM.keySet() + ", not "
                    + weightType);
        }
        Objects.requireNonNull(fileType, "fileType");
        boolean mixed = isMixed(fileType);
        if (!mixed && fileType != UNIFORM.get(weightType)
                || mixed && weightType != (fileType == GgufFileType.MOSTLY_Q4_K_M ? GgmlType.Q4_K : GgmlType.Q5_K)) {
            throw new IllegalArgumentException("file type " + fileType + " does not go with weight type "
                    + weightType + "; use " + UNIFORM.get(weightType)
                    + (weightType == GgmlType.Q4_K ? " or MOSTLY_Q4_K_M" : "")
                    + (weightType == GgmlType.Q5_K ? " or MOSTLY_Q5_K_M" : ""));
        }
        if (hiddenSize < 8 || layers < 1 || heads < 1 || kvHeads < 1 || feedForwardSize < 1 || contextLength < 16
                || merges < 0) {
            throw new IllegalArgumentException("sizes must be positive (hidden >= 8, context >= 16): " + this);
        }
        if (hiddenSize % heads != 0 || heads % kvHeads != 0 || (hiddenSize / heads) % 2 != 0) {
            throw new IllegalArgumentException("hidden size must split into an even head size, and heads into "
                    + "groups of kv heads: " + this);
        }
        if (weightType.blockSize() > 1 && (hiddenSize % 32 != 0 || feedForwardSize % 32 != 0)) {
            throw new IllegalArgumentException(weightType
                    + " needs hidden and feed-forward sizes that are multiples of 32");
        }
        if (weightType.blockSize() == 256 && hiddenSize % 256 != 0) {
            throw new IllegalArgumentException(weightType + " needs a hidden size that is a multiple of 256");
        }
        if ((weightType == GgmlType.Q2_K || weightType == GgmlType.Q3_K) && feedForwardSize % 256 != 0) {
            // llama.cpp falls back to IQ4_NL for these, which Deliberate does not write
            throw new IllegalArgumentException(weightType
                    + " needs a feed-forward size that is a multiple of 256");
        }
        if (vocabularySize < 256 + merges + TestModelVocabulary.SPECIAL_TOKENS.size()) {
            throw new IllegalArgumentException("vocabulary of " + vocabularySize + " cannot hold 256 byte tokens, "
                    + merges + " merges and " + TestModelVocabulary.SPECIAL_TOKENS.size() + " special tokens");
        }
        if ((long) hiddenSize * Math.max(vocabularySize, feedForwardSize) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("matrices larger than 2^31 elements are not supported: " + this);
        }
    }

    private static boolean isMixed(GgufFileType t) {
        return t == GgufFileType.MOSTLY_Q4_K_M || t == GgufFileType.MOSTLY_Q5_K_M;
    }

    /**
     * The same shape under another name and encoding.
     *
     * @param newName    {@code general.name} of the variant
     * @param weightType encoding of the matrices
     * @param fileType   uniform file type of {@code weightType}, or a mixed recipe
     * @return the variant
     * @throws IllegalArgumentException if the pair does not fit or the shape cannot take the type
     */
    public TestModelSpec withWeights(String newName, GgmlType weightType, GgufFileType fileType) {
        return new TestModelSpec(newName, hiddenSize, layers, heads, kvHeads, feedForwardSize, vocabularySize,
                merges, contextLength, weightType, fileType);
    }

    /**
     * The element type of one matrix in a file of this spec. In the mixed recipes (as llama.cpp's
     * {@code llama_tensor_get_type} for Q4_K_M and Q5_K_M): {@code output.weight} is Q6_K; {@code attn_v.weight}
     * and {@code ffn_down.weight} are Q6_K in the layers llama.cpp's {@code use_more_bits} picks (the first and
     * last eighth, and every third layer between), the main type elsewhere; everything else has the main type.
     * Then a k-quant whose row length is not a multiple of 256 falls back (Q4_K to Q5_0, Q5_K to Q5_1, Q6_K to
     * Q8_0).
     *
     * @param tensor    the tensor's GGUF name, such as {@code blk.3.attn_v.weight}
     * @param layer     its block index, or -1 outside the blocks
     * @param rowLength its first dimension
     * @return the type to encode it as
     */
    public GgmlType tensorType(String tensor, int layer, long rowLength) {
        GgmlType t = weightType;
        if (isMixed(fileType)) {
            if (tensor.equals("output.weight")) {
                t = GgmlType.Q6_K;
            } else if ((tensor.endsWith(".attn_v.weight") || tensor.endsWith(".ffn_down.weight"))
                    && useMoreBits(layer, layers)) {
                t = GgmlType.Q6_K;
            }
        }
        if (t.blockSize() == 256 && rowLength % 256 != 0) {
            t = switch (t) {
                case Q4_K -> GgmlType.Q5_0;
                case Q5_K -> GgmlType.Q5_1;
                case Q6_K -> GgmlType.Q8_0;
                default -> throw new IllegalStateException(t + " rows of " + rowLength); // refused by the constructor
            };
        }
        return t;
    }

    /** llama.cpp's choice of layers that get more bits in the _M recipes. */
    static boolean useMoreBits(int layer, int count) {
        return layer < count / 8 || layer >= 7 * count / 8 || (layer - count / 8) % 3 == 2;
    }

    /** @return size of one attention head */
    public int headSize() {
        return hiddenSize / heads;
    }

    /** @return number of parameters (elements of all tensors) */
    public long parameterCount() {
        long h = hiddenSize;
        long kv = (long) headSize() * kvHeads;
        long perLayer = h // attn_norm
                + h * h + h // q
                + 2 * (kv * h + kv) // k, v
                + h * h // o
                + h // ffn_norm
                + 3 * h * feedForwardSize;
        return 2L * vocabularySize * h + layers * perLayer + h;
    }
}

package dev.deliberate.testmodel;

import dev.deliberate.gguf.GgmlType;
import java.util.Objects;

/**
 * The shape of a generated test model (a Qwen2 decoder). Use a {@link TestModelPreset} unless a test needs a
 * particular size.
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
 * @param weightType      encoding of the matrices: F32, F16 or Q8_0 (norms and biases are always F32)
 */
public record TestModelSpec(String name, int hiddenSize, int layers, int heads, int kvHeads, int feedForwardSize,
        int vocabularySize, int merges, int contextLength, GgmlType weightType) {

    /** Checks the shape is one llama.cpp can load. */
    public TestModelSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(weightType, "weightType");
        if (weightType != GgmlType.F32 && weightType != GgmlType.F16 && weightType != GgmlType.Q8_0) {
            throw new IllegalArgumentException("weight type must be F32, F16 or Q8_0, not " + weightType);
        }
        if (hiddenSize < 8 || layers < 1 || heads < 1 || kvHeads < 1 || feedForwardSize < 1 || contextLength < 16
                || merges < 0) {
            throw new IllegalArgumentException("sizes must be positive (hidden >= 8, context >= 16): " + this);
        }
        if (hiddenSize % heads != 0 || heads % kvHeads != 0 || (hiddenSize / heads) % 2 != 0) {
            throw new IllegalArgumentException("hidden size must split into an even head size, and heads into "
                    + "groups of kv heads: " + this);
        }
        if (weightType == GgmlType.Q8_0 && (hiddenSize % 32 != 0 || feedForwardSize % 32 != 0)) {
            throw new IllegalArgumentException("Q8_0 needs hidden and feed-forward sizes that are multiples of 32");
        }
        if (vocabularySize < 256 + merges + TestModelVocabulary.SPECIAL_TOKENS.size()) {
            throw new IllegalArgumentException("vocabulary of " + vocabularySize + " cannot hold 256 byte tokens, "
                    + merges + " merges and " + TestModelVocabulary.SPECIAL_TOKENS.size() + " special tokens");
        }
        if ((long) hiddenSize * Math.max(vocabularySize, feedForwardSize) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("matrices larger than 2^31 elements are not supported: " + this);
        }
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

package dev.deliberate.testmodel;

import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFileType;

/** Ready-made test model shapes. */
public enum TestModelPreset {
    /**
     * For unit tests: hidden 64, 2 layers, 4 heads (2 KV), FFN 128, vocabulary 512, F32; about 140,000
     * parameters, 0.6 MB. Loads and generates in milliseconds.
     */
    TINY(new TestModelSpec("deliberate-test-tiny", 64, 2, 4, 2, 128, 512, 200, 2048, GgmlType.F32)),
    /**
     * For benchmarks: hidden 1024, 16 layers, 16 heads (4 KV), FFN 2816, vocabulary 32,000, Q8_0; about 246
     * million parameters, 262 MB. The size class of a small distilled reasoning model, so speeds are realistic.
     */
    BENCH(new TestModelSpec("deliberate-test-bench", 1024, 16, 16, 4, 2816, 32_000, 200, 4096, GgmlType.Q8_0)),
    /**
     * For k-quant tests: hidden 256, 2 layers, 4 heads (2 KV), FFN 640, vocabulary 512, mixed like llama.cpp's
     * Q4_K_M (mostly Q4_K; output and layer 1's attn_v Q6_K; ffn_down, whose 640-value rows are not whole
     * super-blocks, Q5_0 and Q8_0 as llama.cpp's fallback; norms and biases F32); about 1.6 million parameters,
     * 1.1 MB. The smallest shape that has the types of a published R1-Distill Q4_K_M file.
     */
    SMALL_Q4_K_M(new TestModelSpec("deliberate-test-small-q4km", 256, 2, 4, 2, 640, 512, 200, 2048, GgmlType.Q4_K,
            GgufFileType.MOSTLY_Q4_K_M));

    private final TestModelSpec spec;

    TestModelPreset(TestModelSpec spec) {
        this.spec = spec;
    }

    /** @return the model shape of this preset */
    public TestModelSpec spec() {
        return spec;
    }

    /**
     * The preset whose generated (random-weight) model carries {@code modelName} as its GGUF {@code general.name}
     * (what {@link dev.deliberate.core.ModelInfo#modelId()} reports), so that tools can warn that its words are random.
     */
    public static java.util.Optional<TestModelPreset> ofModelName(String modelName) {
        for (TestModelPreset p : values()) {
            if (p.spec.name().equals(modelName)) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }
}

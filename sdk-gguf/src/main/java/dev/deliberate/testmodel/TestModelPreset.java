package dev.deliberate.testmodel;

import dev.deliberate.gguf.GgmlType;

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
    BENCH(new TestModelSpec("deliberate-test-bench", 1024, 16, 16, 4, 2816, 32_000, 200, 4096, GgmlType.Q8_0));

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

package dev.deliberate.adapt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.GgufTensorReader;
import dev.deliberate.gguf.GgufValue;
import dev.deliberate.gguf.GgufWriter;
import dev.deliberate.llama.TestModels;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import dev.deliberate.testmodel.TestModelSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DJL forward pass against llama.cpp on the generated TINY model, F32 and Q8_0: for prompts of 2 to about 90
 * tokens, the final hidden state of the last token (L2-normalised, as llama.cpp returns it) agrees element by
 * element within a stated tolerance; and the same model with the wrong rotation does not.
 */
class ForwardMatchesLlamaCppIT {

    /** F32 weights: both sides compute in F32, only the order of sums differs. Measured 3.5e-7 on TINY. */
    static final double TOLERANCE_F32 = 1e-5;
    /**
     * F16 weights: llama.cpp also rounds the activations to F16 before each product; the DJL pass does not. Measured
     * 2.6e-4 on TINY.
     */
    static final double TOLERANCE_F16 = 2e-3;
    /**
     * Q8_0 weights: llama.cpp also quantizes the activations to 8 bits before each product; the DJL pass multiplies
     * the dequantized weights with F32 activations. Measured 6.4e-3 on TINY.
     */
    static final double TOLERANCE_Q8_0 = 2e-2;

    /** Prompts of growing length, with special tokens, so that positions up to about 90 are compared. */
    static final List<String> PROMPTS = List.of(
            "Hi",
            "The patient reports chest pain.",
            "<｜User｜>What is 12 times 7?<｜Assistant｜><think>\n",
            "Findings: a 6 mm nodule in the right upper lobe, no effusion, heart size normal. Impression:",
            "<｜User｜>A robot arm must move a cup from the table to the shelf without spilling. List the steps and "
                    + "check each one.<｜Assistant｜><think>\nFirst the gripper opens, then it moves above the cup, "
                    + "then it lowers slowly and closes.",
            "In a small table of three rows, the totals are 4, 9 and 16; the differences are 5 and 7, so the next "
                    + "total follows the same rule and the answer is written as JSON with one field named total.");

    /**
     * The SMALL_Q4_K_M preset (Q4_K, Q6_K and Q5_0 matrices, as llama.cpp's Q4_K_M recipe): llama.cpp multiplies
     * with 8-bit activations ({@code Q8_K}, {@code Q8_0}); the DJL pass with F32 ones on the dequantized weights. Measured 2.3e-3.
     */
    static final double TOLERANCE_Q4_K_M = 2e-2;

    @TempDir
    static Path dir;

    private static NDManager root;

    @BeforeAll
    static void start() {
        root = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        root.close();
    }

    /**
     * @param margin the smallest gap between the two largest logits for which the argmax must be llama.cpp's
     *               greedy token (closer ones may flip under quantization noise)
     * @return the largest absolute difference of an element of the last hidden state over all prompts
     */
    static double maxDifference(DecoderModel model, LlamaCppReference ref, List<String> prompts, float margin) {
        double worst = 0;
        int compared = 0;
        int heads = 0;
        for (String prompt : prompts) {
            int[] ids = ref.tokenIds(prompt);
            float[] expected = ref.lastHiddenState(prompt);
            assertEquals(model.config().hiddenSize(), expected.length);
            float[] actual;
            float[] logits;
            try (NDManager m = root.newSubManager()) {
                NDArray input = m.create(ids).reshape(1, ids.length);
                NDArray h = model.hiddenStates(input, null, ForwardMode.INFERENCE);
                NDArray last = h.get(new NDIndex("0, -1, :"));
                actual = last.div(last.norm()).toFloatArray();
                logits = model.logits(input, ForwardMode.INFERENCE).get(new NDIndex("0, -1, :")).toFloatArray();
            }
            int best = 0;
            int second = 1;
            for (int i = 0; i < logits.length; i++) {
                if (logits[i] > logits[best]) {
                    second = best;
                    best = i;
                } else if (i != best && logits[i] > logits[second]) {
                    second = i;
                }
            }
            String piece = ref.piece(best);
            if (logits[best] - logits[second] > margin && !piece.isEmpty() && piece.indexOf('\uFFFD') < 0) {
                assertEquals(piece, ref.greedyNextPiece(prompt), "greedy token after: " + prompt);
                heads++;
            }
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            }
            compared += ids.length;
        }
        assertTrue(heads > 0 || margin == Float.MAX_VALUE, "no prompt had a clear argmax to check the head with");
        System.out.printf("%s: max |h_llama - h_djl| = %.3g (%d prompts, %d tokens); greedy token equal for %d%n",
                model.config().architecture(), worst, prompts.size(), compared, heads);
        return worst;
    }

    static int bos(GgufFile header) {
        return (int) header.getInteger("tokenizer.ggml.bos_token_id").orElseThrow();
    }

    /** @return the TINY model (same seed) with its matrices in {@code type} */
    static Path tinyAs(Path dir, GgmlType type) throws Exception {
        TestModelSpec t = TestModelPreset.TINY.spec();
        TestModelSpec spec = new TestModelSpec(t.name(), t.hiddenSize(), t.layers(), t.heads(), t.kvHeads(),
                t.feedForwardSize(), t.vocabularySize(), t.merges(), t.contextLength(), type);
        Path file = dir.resolve("tiny-" + type + ".gguf");
        new TestModelGenerator(spec, TestModels.TINY_SEED).writeGguf(file);
        return file;
    }

    static double compare(Path gguf, GgufFile header, ModelConfig config, float margin) throws Exception {
        try (DecoderModel model = DecoderModel.load(gguf, header, config, root);
                LlamaCppReference ref = new LlamaCppReference(gguf, bos(header), 2)) {
            return maxDifference(model, ref, PROMPTS, margin);
        }
    }

    @Test
    void tinyF32MatchesLlamaCpp() throws Exception {
        Path gguf = TestModels.tiny();
        GgufFile header = GgufFile.read(gguf);
        double diff = compare(gguf, header, ModelConfig.fromGguf(header), 1e-3f);
        assertTrue(diff < TOLERANCE_F32, "F32: " + diff);
    }

    @Test
    void tinyF16MatchesLlamaCpp() throws Exception {
        Path gguf = tinyAs(dir, GgmlType.F16);
        GgufFile header = GgufFile.read(gguf);
        double diff = compare(gguf, header, ModelConfig.fromGguf(header), 0.01f);
        assertTrue(diff < TOLERANCE_F16, "F16: " + diff);
    }

    @Test
    void smallQ4KMMatchesLlamaCpp() throws Exception {
        Path gguf = dir.resolve("small-q4_k_m.gguf");
        TestModelGenerator.of(TestModelPreset.SMALL_Q4_K_M, TestModels.TINY_SEED).writeGguf(gguf);
        GgufFile header = GgufFile.read(gguf);
        double diff = compare(gguf, header, ModelConfig.fromGguf(header), 0.1f);
        assertTrue(diff < TOLERANCE_Q4_K_M, "Q4_K_M: " + diff);
    }

    @Test
    void tinyQ8MatchesLlamaCpp() throws Exception {
        Path gguf = tinyAs(dir, GgmlType.Q8_0);
        GgufFile header = GgufFile.read(gguf);
        double diff = compare(gguf, header, ModelConfig.fromGguf(header), 0.1f);
        assertTrue(diff < TOLERANCE_Q8_0, "Q8_0: " + diff);
    }

    /**
     * The TINY weights as a {@code llama} file: metadata keys renamed, no q/k/v biases, no {@code output.weight} (so
     * both sides tie the head to the token embedding), F32.
     */
    static Path tinyAsLlama(Path dir) throws Exception {
        Path qwen = TestModels.tiny();
        GgufFile header = GgufFile.read(qwen);
        GgufWriter out = new GgufWriter();
        header.metadata().forEach((k, v) -> out.put(k.startsWith("qwen2.") ? "llama." + k.substring(6) : k,
                k.equals("general.architecture") ? GgufValue.string("llama") : v));
        try (GgufTensorReader reader = GgufTensorReader.open(qwen, header)) {
            for (GgufTensorInfo t : header.tensors()) {
                if (t.name().endsWith(".bias") || t.name().equals("output.weight")) {
                    continue;
                }
                float[] values = reader.readFloats(t);
                out.tensor(t.name(), GgmlType.F32, t.shape(), sink -> sink.accept(values, 0, values.length));
            }
        }
        Path file = dir.resolve("tiny-llama.gguf");
        out.write(file);
        return file;
    }

    @Test
    void llamaArchitectureWithATiedHeadMatchesLlamaCpp() throws Exception {
        Path gguf = tinyAsLlama(dir);
        GgufFile header = GgufFile.read(gguf);
        ModelConfig config = ModelConfig.fromGguf(header);
        assertEquals(Architecture.LLAMA, config.architecture());
        assertEquals(RopeStyle.NORMAL, config.ropeStyle());
        try (DecoderModel model = DecoderModel.load(gguf, root)) {
            assertTrue(model.tiedOutput());
        }
        double diff = compare(gguf, header, config, 1e-3f);
        assertTrue(diff < TOLERANCE_F32, "llama F32: " + diff);
        double wrong = compare(gguf, header, config.withRopeStyle(RopeStyle.NEOX), Float.MAX_VALUE);
        assertTrue(wrong > 5 * TOLERANCE_Q8_0, "NEOX rotation on a llama model went unnoticed: " + wrong);
    }

    @Test
    void aWrongRotationFailsTheTolerance() throws Exception {
        Path gguf = TestModels.tiny();
        GgufFile header = GgufFile.read(gguf);
        ModelConfig config = ModelConfig.fromGguf(header);
        assertEquals(RopeStyle.NEOX, config.ropeStyle());
        double diff = compare(gguf, header, config.withRopeStyle(RopeStyle.NORMAL), Float.MAX_VALUE);
        assertTrue(diff > 5 * TOLERANCE_Q8_0, "NORMAL rotation on a NEOX model went unnoticed: " + diff);
    }
}

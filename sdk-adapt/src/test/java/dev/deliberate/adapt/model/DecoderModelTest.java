package dev.deliberate.adapt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufValue;
import dev.deliberate.gguf.GgufWriter;
import dev.deliberate.gguf.UnsupportedTensorTypeException;
import dev.deliberate.gguf.lora.LoraAdapter;
import dev.deliberate.gguf.lora.LoraMismatchException;
import dev.deliberate.gguf.lora.LoraProvenance;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DJL decoder without a peer: configuration, refusals, masks, LoRA, gradients and memory. */
class DecoderModelTest {

    @TempDir
    static Path dir;

    private static Path tiny;
    private static NDManager root;
    private static DecoderModel model;

    @BeforeAll
    static void load() throws Exception {
        tiny = dir.resolve("tiny.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 42).writeGguf(tiny);
        root = NDManager.newBaseManager();
        model = DecoderModel.load(tiny, root);
    }

    @AfterAll
    static void close() {
        model.close();
        root.close();
    }

    private static final int[] IDS = {503, 17, 250, 99, 3, 400, 12, 77, 301, 8};

    private static float[] logits(DecoderModel m, int[] ids) {
        try (NDManager s = root.newSubManager()) {
            return m.logits(s.create(ids).reshape(1, ids.length), ForwardMode.INFERENCE).toFloatArray();
        }
    }

    @Test
    void configComesFromTheGgufMetadata() {
        ModelConfig c = model.config();
        assertEquals(Architecture.QWEN2, c.architecture());
        assertEquals(64, c.hiddenSize());
        assertEquals(2, c.layers());
        assertEquals(4, c.heads());
        assertEquals(2, c.kvHeads());
        assertEquals(128, c.feedForwardSize());
        assertEquals(512, c.vocabularySize());
        assertEquals(10000f, c.ropeFreqBase());
        assertEquals(1e-6f, c.rmsEpsilon());
        assertEquals(2048, c.contextLength());
        assertEquals(RopeStyle.NEOX, c.ropeStyle());
        assertFalse(model.tiedOutput());
        assertEquals(TestModelPreset.TINY.spec().parameterCount(), model.parameterCount());
        assertEquals(model.parameterCount(), c.parameterCount(true, false));
        assertEquals(List.of(512L, 64L), List.of(model.weights().get("token_embd.weight").getShape().get(0),
                model.weights().get("token_embd.weight").getShape().get(1)));
    }

    @Test
    void anotherArchitectureIsRefusedNamingTheSupportedOnes() throws Exception {
        Path gpt2 = dir.resolve("gpt2.gguf");
        new GgufWriter().put("general.architecture", GgufValue.string("gpt2"))
                .tensor("token_embd.weight", GgmlType.F32, List.of(8L, 4L), s -> s.accept(new float[32], 0, 32))
                .write(gpt2);
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> DecoderModel.load(gpt2, root));
        assertInstanceOf(DeliberateException.class, e);
        assertTrue(e.getMessage().contains("gpt2") && e.getMessage().contains("qwen2, llama"), e.getMessage());
    }

    @Test
    void anUndecodableTensorTypeIsRefusedWithTheTensorNamed() throws Exception {
        Path patched = dir.resolve("q8_1.gguf");
        byte[] bytes = Files.readAllBytes(tiny);
        byte[] name = "blk.0.attn_q.weight".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(bytes, name) + name.length;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int dims = b.getInt(at);
        int typeAt = at + 4 + 8 * dims;
        assertEquals(0, b.getInt(typeAt));
        b.putInt(typeAt, 9); // Q8_1: a valid ggml type that no decoder reads
        Files.write(patched, bytes);
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> DecoderModel.load(patched, root));
        assertInstanceOf(UnsupportedTensorTypeException.class, e.getCause());
        assertTrue(e.getMessage().contains("blk.0.attn_q.weight"), e.getMessage());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void shapesThatDoNotFitTheMetadataAreRefused() throws Exception {
        GgufFile header = GgufFile.read(tiny);
        ModelConfig c = ModelConfig.fromGguf(header);
        ModelConfig wider = new ModelConfig(c.architecture(), c.hiddenSize(), c.layers(), c.heads(), c.kvHeads(),
                c.feedForwardSize() * 2, c.vocabularySize(), c.ropeFreqBase(), c.rmsEpsilon(), c.contextLength(),
                c.ropeStyle());
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> DecoderModel.load(tiny, header, wider, root));
        assertTrue(e.getMessage().contains("ffn_gate"), e.getMessage());
    }

    @Test
    void paddedBatchesGiveTheLogitsOfEachSequenceAlone() {
        int vocab = model.config().vocabularySize();
        int[] shortSeq = {503, 40, 41, 42};
        float[] full = logits(model, IDS);
        float[] alone = logits(model, shortSeq);
        int len = IDS.length;
        long[][] ids = new long[3][len];
        float[][] mask = new float[3][len];
        for (int i = 0; i < len; i++) {
            ids[0][i] = IDS[i];
            mask[0][i] = 1;
        }
        for (int i = 0; i < shortSeq.length; i++) {
            ids[1][i] = shortSeq[i]; // right padding
            mask[1][i] = 1;
            ids[2][len - shortSeq.length + i] = shortSeq[i]; // left padding
            mask[2][len - shortSeq.length + i] = 1;
        }
        try (NDManager s = root.newSubManager()) {
            NDArray out = model.logits(s.create(ids), s.create(mask), ForwardMode.INFERENCE);
            assertEquals(3, out.getShape().get(0));
            assertClose(full, out.get(new NDIndex("0")).toFloatArray(), 1e-4f);
            assertClose(alone, out.get(new NDIndex("1, :" + shortSeq.length)).toFloatArray(), 1e-4f);
            assertClose(alone, out.get(new NDIndex("2, " + (len - shortSeq.length) + ":")).toFloatArray(), 1e-4f);
        }
        assertEquals(vocab * IDS.length, full.length);
    }

    @Test
    void theHeadOnTheHiddenStatesGivesTheLogits() {
        try (NDManager s = root.newSubManager()) {
            NDArray ids = s.create(IDS).reshape(1, IDS.length);
            NDArray hidden = model.hiddenStates(ids, null, ForwardMode.INFERENCE);
            assertEquals(64, hidden.getShape().get(2));
            NDArray last = hidden.get(new NDIndex("0, -1, :"));
            float[] all = model.logits(ids, ForwardMode.INFERENCE).toFloatArray();
            float[] expected = java.util.Arrays.copyOfRange(all, all.length - 512, all.length);
            assertClose(expected, model.outputHead(last).toFloatArray(), 1e-5f);
        }
    }

    private static void assertClose(float[] expected, float[] actual, float tolerance) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > tolerance) {
                throw new AssertionError("element " + i + ": " + expected[i] + " vs " + actual[i]);
            }
        }
    }

    @Test
    void aFreshAdapterChangesNothingAndATrainedOneDoes() throws Exception {
        try (DecoderModel m = DecoderModel.load(tiny, root)) {
            float[] base = logits(m, IDS);
            m.addLora(LoraConfig.allProjections(4), 7);
            assertEquals(7 * 2, m.lora().size());
            assertArrayEquals(base, logits(m, IDS));
            NDArray b = m.lora().get("blk.1.ffn_down.weight").b();
            b.addi(0.05f);
            float[] adapted = logits(m, IDS);
            double diff = 0;
            for (int i = 0; i < base.length; i++) {
                diff = Math.max(diff, Math.abs(base[i] - adapted[i]));
            }
            assertTrue(diff > 1e-3, "a non-zero B must change the logits: " + diff);
            m.clearLora();
            assertArrayEquals(base, logits(m, IDS));
        }
    }

    @Test
    void dropoutActsOnlyWhileTrainingAndFollowsTheEngineSeed() throws Exception {
        try (DecoderModel m = DecoderModel.load(tiny, root)) {
            m.addLora(new LoraConfig(4, 8, 0.5f, EnumSet.allOf(LoraTarget.class)), 2);
            for (LoraWeights w : m.lora().values()) {
                w.b().addi(0.05f);
            }
            float[] inference = logits(m, IDS);
            float[] first;
            float[] second;
            float[] third;
            try (NDManager s = root.newSubManager()) {
                NDArray ids = s.create(IDS).reshape(1, IDS.length);
                Engine.getInstance().setRandomSeed(77);
                first = m.logits(ids, ForwardMode.TRAINING).toFloatArray();
                Engine.getInstance().setRandomSeed(77);
                second = m.logits(ids, ForwardMode.TRAINING).toFloatArray();
                third = m.logits(ids, ForwardMode.TRAINING).toFloatArray();
            }
            assertArrayEquals(first, second, "the same engine seed gives the same dropout");
            assertFalse(java.util.Arrays.equals(first, third), "dropout draws new masks");
            assertFalse(java.util.Arrays.equals(first, inference), "dropout acts while training");
            assertArrayEquals(inference, logits(m, IDS), "no dropout in inference");
        }
    }

    @Test
    void adaptersThatDoNotFitAreRefusedNamingTheTensor() throws Exception {
        try (DecoderModel m = DecoderModel.load(tiny, root)) {
            m.addLora(LoraConfig.attention(2), 4);
            LoraAdapter good = m.toLoraAdapter(LoraProvenance.none());
            assertEquals(8, good.weights().size());
            dev.deliberate.gguf.lora.LoraWeights q = good.weights().get("blk.0.attn_q.weight");

            LoraAdapter llama = new LoraAdapter("llama", good.alpha(), good.rank(), good.weights(),
                    LoraProvenance.none());
            assertThrows(LoraMismatchException.class, () -> m.setLora(llama, 0f));
            LoraAdapter wrongShape = new LoraAdapter("qwen2", 4, 2, Map.of("blk.0.attn_k.weight", q),
                    LoraProvenance.none());
            LoraMismatchException e = assertThrows(LoraMismatchException.class, () -> m.setLora(wrongShape, 0f));
            assertEquals("blk.0.attn_k.weight", e.tensor().orElseThrow());
            LoraAdapter head = new LoraAdapter("qwen2", 4, 2, Map.of("output.weight",
                    new dev.deliberate.gguf.lora.LoraWeights(64, 512, 2, new float[128], new float[1024])),
                    LoraProvenance.none());
            assertThrows(LoraMismatchException.class, () -> m.setLora(head, 0f));
            assertEquals(LoraConfig.attention(2), m.loraConfig().orElseThrow(), "a refusal keeps the adapter");

            m.setLora(good, 0.1f);
            assertEquals(new LoraConfig(2, 4, 0.1f, LoraConfig.attention(2).targets()), m.loraConfig().orElseThrow());
            assertEquals(good, m.toLoraAdapter(LoraProvenance.none()));
        }
    }

    @Test
    void theSameSeedGivesTheSameAdapter() throws Exception {
        try (DecoderModel a = DecoderModel.load(tiny, root); DecoderModel b = DecoderModel.load(tiny, root)) {
            a.addLora(LoraConfig.attention(2), 11);
            b.addLora(LoraConfig.attention(2), 11);
            assertArrayEquals(a.lora().get("blk.0.attn_q.weight").a().toFloatArray(),
                    b.lora().get("blk.0.attn_q.weight").a().toFloatArray());
            b.addLora(LoraConfig.attention(2), 12);
            assertFalse(java.util.Arrays.equals(a.lora().get("blk.0.attn_q.weight").a().toFloatArray(),
                    b.lora().get("blk.0.attn_q.weight").a().toFloatArray()));
        }
    }

    @Test
    void loraTrainingReachesOnlyTheAdapter() throws Exception {
        try (DecoderModel m = DecoderModel.load(tiny, root)) {
            m.addLora(new LoraConfig(4, 8, 0.1f, EnumSet.of(LoraTarget.Q, LoraTarget.V, LoraTarget.DOWN)), 3);
            m.setTrainable(Trainable.LORA);
            assertEquals(3 * 2 * 2, m.trainableParameters().size());
            try (NDManager s = root.newSubManager()) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(crossEntropy(m, s));
                }
                NDArray gradB = m.lora().get("blk.0.attn_q.weight").b().getGradient();
                assertTrue(gradB.abs().sum().getFloat() > 0, "B must receive a gradient");
                assertFalse(m.weights().get("blk.0.attn_q.weight").hasGradient());
            }
        }
    }

    @Test
    void theLoraGradientIsTheDerivativeOfTheLoss() throws Exception {
        try (DecoderModel m = DecoderModel.load(tiny, root)) {
            m.addLora(new LoraConfig(2, 4, 0f, EnumSet.of(LoraTarget.V, LoraTarget.UP)), 9);
            m.setTrainable(Trainable.LORA);
            NDArray b = m.lora().get("blk.0.attn_v.weight").b();
            b.addi(0.1f); // away from B = 0, so that A's gradient is not zero either
            NDArray a = m.lora().get("blk.0.attn_v.weight").a();
            float gradB;
            float gradA;
            try (NDManager s = root.newSubManager()) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(crossEntropy(m, s));
                }
                gradB = b.getGradient().getFloat(3, 1);
                gradA = a.getGradient().getFloat(1, 5);
            }
            m.setTrainable(Trainable.NONE);
            assertEquals(numericDerivative(m, b, 3, 1), gradB, 5e-4 + 0.01 * Math.abs(gradB));
            assertEquals(numericDerivative(m, a, 1, 5), gradA, 5e-4 + 0.01 * Math.abs(gradA));
            assertTrue(Math.abs(gradB) > 1e-3 && Math.abs(gradA) > 1e-4, gradB + ", " + gradA);
        }
    }

    /** Central difference of the loss in one element, in double from two F32 forward passes. */
    private static double numericDerivative(DecoderModel m, NDArray p, int row, int col) {
        float h = 1e-2f;
        float v = p.getFloat(row, col);
        p.set(new NDIndex(row + ", " + col), v + h);
        double up;
        double down;
        try (NDManager s = root.newSubManager()) {
            up = crossEntropy(m, s).getFloat();
        }
        p.set(new NDIndex(row + ", " + col), v - h);
        try (NDManager s = root.newSubManager()) {
            down = crossEntropy(m, s).getFloat();
        }
        p.set(new NDIndex(row + ", " + col), v);
        return (up - down) / (2 * h);
    }

    @Test
    void allWeightsTrainingReachesEveryWeight() throws Exception {
        try (DecoderModel m = DecoderModel.load(tiny, root)) {
            m.setTrainable(Trainable.ALL);
            Map<String, NDArray> params = m.trainableParameters();
            assertEquals(m.weights().size(), params.size());
            try (NDManager s = root.newSubManager()) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(crossEntropy(m, s));
                }
                for (String name : List.of("token_embd.weight", "blk.1.attn_k.bias", "blk.0.ffn_gate.weight",
                        "output_norm.weight", "output.weight")) {
                    assertTrue(params.get(name).getGradient().abs().sum().getFloat() > 0, name);
                }
            }
        }
    }

    /** Mean next-token cross-entropy over {@link #IDS}. */
    private static NDArray crossEntropy(DecoderModel m, NDManager s) {
        int n = IDS.length - 1;
        NDArray input = s.create(java.util.Arrays.copyOf(IDS, n)).reshape(1, n);
        long[] next = new long[n];
        for (int i = 0; i < n; i++) {
            next[i] = IDS[i + 1];
        }
        NDArray logp = m.logits(input, ForwardMode.TRAINING).logSoftmax(-1).reshape(n, -1);
        NDArray oneHot = s.create(next).oneHot(m.config().vocabularySize());
        return logp.mul(oneHot).sum().neg().div(n);
    }

    @Test
    void aLoopOfForwardsLeavesNoArrays() throws Exception {
        try (DecoderModel m = DecoderModel.load(tiny, root)) {
            m.addLora(LoraConfig.allProjections(2), 1);
            m.setTrainable(Trainable.LORA);
            int weights = root.getManagedArrays().size();
            // counted recursively: the model's weights and adapter live in a sub-manager of root
            assertTrue(weights >= m.weights().size() + m.lora().size() * 2, "arrays under root: " + weights);
            for (int i = 0; i < 20; i++) {
                try (NDManager s = root.newSubManager()) {
                    if (i % 2 == 0) {
                        m.logits(s.create(IDS).reshape(1, IDS.length), ForwardMode.INFERENCE);
                    } else {
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            gc.backward(crossEntropy(m, s));
                        }
                    }
                }
                assertEquals(weights, root.getManagedArrays().size(), "after forward " + i);
            }
        }
    }

    @Test
    void badInputsAreRefused() {
        try (NDManager s = root.newSubManager()) {
            assertThrows(IllegalArgumentException.class,
                    () -> model.logits(s.create(new int[] {1, 2, 3}), ForwardMode.INFERENCE));
            assertThrows(IllegalArgumentException.class, () -> model.logits(s.create(new int[][] {{1, 2}}),
                    s.create(new float[][] {{1, 1, 1}}), ForwardMode.INFERENCE));
            assertThrows(IllegalArgumentException.class,
                    () -> model.logits(s.create(new int[][] {{1, 512}}), ForwardMode.INFERENCE));
            assertThrows(IllegalArgumentException.class,
                    () -> model.logits(s.create(new int[][] {{-1, 2}}), ForwardMode.TRAINING));
        }
        assertThrows(IllegalArgumentException.class, () -> new LoraConfig(0, 1, 0, EnumSet.of(LoraTarget.Q)));
        assertThrows(IllegalArgumentException.class, () -> new LoraConfig(4, 8, 1f, EnumSet.of(LoraTarget.Q)));
        assertThrows(IllegalArgumentException.class, () -> new LoraConfig(4, 8, 0, EnumSet.noneOf(LoraTarget.class)));
    }
}

package dev.deliberate.gguf.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.GgufTensorReader;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraMergeTest {

    @TempDir
    Path dir;

    @Test
    void adaptedTensorsGetScaledDeltaAndOthersAreCopiedByteForByte() throws IOException {
        Path base = dir.resolve("tiny.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 7).writeGguf(base);
        GgufFile h = GgufFile.read(base);
        LoraAdapter a1 = LoraAdapterTest.randomAdapter(h, 4, 11);
        LoraAdapter a2 = LoraAdapterTest.randomAdapter(h, 2, 12);
        Path out = dir.resolve("merged.gguf");
        LoraMerge.Result r = LoraMerge.write(base, List.of(new ScaledLora(a1, 0.5f), new ScaledLora(a2, -1f)), out);
        assertThat(r.adapted()).isEqualTo(a1.weights().size());
        assertThat(r.reencoded()).isEmpty(); // TINY is F32
        GgufFile m = GgufFile.read(out);
        assertThat(m.metadata()).isEqualTo(h.metadata());
        assertThat(m.tensors()).hasSameSizeAs(h.tensors());
        try (GgufTensorReader rb = GgufTensorReader.open(base, h); GgufTensorReader rm = GgufTensorReader.open(out, m)) {
            for (GgufTensorInfo t : h.tensors()) {
                GgufTensorInfo mt = m.tensor(t.name()).orElseThrow();
                assertThat(mt.shape()).isEqualTo(t.shape());
                assertThat(mt.typeCode()).isEqualTo(t.typeCode());
                float[] w = rb.readFloats(t);
                float[] merged = rm.readFloats(mt);
                LoraWeights w1 = a1.weights().get(t.name());
                if (w1 == null) {
                    assertThat(bytes(out, m, mt)).isEqualTo(bytes(base, h, t));
                    continue;
                }
                LoraWeights w2 = a2.weights().get(t.name());
                int in = w1.in();
                for (int o = 0; o < w1.out(); o++) {
                    for (int i = 0; i < in; i++) {
                        double d = 0;
                        for (int k = 0; k < 4; k++) {
                            d += 0.5 * a1.scaling() * w1.b()[o * 4 + k] * w1.a()[k * in + i];
                        }
                        for (int k = 0; k < 2; k++) {
                            d += -1.0 * a2.scaling() * w2.b()[o * 2 + k] * w2.a()[k * in + i];
                        }
                        assertThat((double) merged[o * in + i]).isCloseTo(w[o * in + i] + d,
                                org.assertj.core.data.Offset.offset(1e-4));
                    }
                }
            }
        }
    }

    @Test
    void q8BaseIsReencodedAsQ8AndMismatchLeavesNoFile() throws IOException {
        Path base = dir.resolve("q8.gguf");
        dev.deliberate.testmodel.TestModelSpec t = TestModelPreset.TINY.spec();
        TestModelGenerator g = new TestModelGenerator(new dev.deliberate.testmodel.TestModelSpec(t.name(),
                t.hiddenSize(), t.layers(), t.heads(), t.kvHeads(), t.feedForwardSize(), t.vocabularySize(),
                t.merges(), t.contextLength(), dev.deliberate.gguf.GgmlType.Q8_0), 3);
        g.writeGguf(base);
        GgufFile h = GgufFile.read(base);
        Path out = dir.resolve("m8.gguf");
        LoraMerge.Result r = LoraMerge.write(base, List.of(new ScaledLora(LoraAdapterTest.randomAdapter(h, 2, 1), 1f)),
                out);
        assertThat(r.reencoded()).isEmpty();
        assertThat(GgufFile.read(out).tensor("blk.0.attn_q.weight").orElseThrow().typeName()).isEqualTo("Q8_0");
        Path none = dir.resolve("none.gguf");
        LoraWeights w = new LoraWeights(64, 64, 2, new float[128], new float[128]);
        LoraAdapter bad = new LoraAdapter("qwen2", 1f, 2, Map.of("blk.0.attn_v.weight", w), LoraProvenance.none());
        assertThatThrownBy(() -> LoraMerge.write(base, List.of(new ScaledLora(bad, 1f)), none))
                .isInstanceOf(LoraMismatchException.class).hasMessageContaining("blk.0.attn_v.weight");
        assertThat(none).doesNotExist();
        assertThat(Files.list(dir)).allMatch(p -> !p.getFileName().toString().startsWith("."));
    }

    @Test
    void kQuantBaseKeepsEachTensorsTypeAndGetsTheDelta() throws IOException {
        Path base = dir.resolve("q4km.gguf");
        TestModelGenerator.of(TestModelPreset.SMALL_Q4_K_M, 5).writeGguf(base);
        GgufFile h = GgufFile.read(base);
        LoraAdapter a = LoraAdapterTest.randomAdapter(h, 4, 9);
        Path out = dir.resolve("q4km-merged.gguf");
        LoraMerge.Result r = LoraMerge.write(base, List.of(new ScaledLora(a, 1f)), out);
        assertThat(r.reencoded()).isEmpty();
        GgufFile m = GgufFile.read(out);
        try (GgufTensorReader rb = GgufTensorReader.open(base, h); GgufTensorReader rm = GgufTensorReader.open(out, m)) {
            for (Map.Entry<String, LoraWeights> e : a.weights().entrySet()) {
                GgufTensorInfo t = h.tensor(e.getKey()).orElseThrow();
                assertThat(m.tensor(e.getKey()).orElseThrow().typeName()).isEqualTo(t.typeName());
                float[] expected = rb.readFloats(t);
                e.getValue().addDelta(expected, 0, e.getValue().out(), a.scaling());
                float[] got = rm.readFloats(m.tensor(e.getKey()).orElseThrow());
                double err = 0;
                double delta = 0;
                float[] w = rb.readFloats(t);
                for (int i = 0; i < got.length; i++) {
                    err += Math.abs(got[i] - expected[i]);
                    delta += Math.abs(expected[i] - w[i]);
                }
                // re-quantizing costs a few percent of the change, not the change itself
                assertThat(err).as(e.getKey() + " " + t.typeName()).isLessThan(0.25 * delta);
            }
        }
    }

    @Test
    void combineStacksRanksAndBakesScales() {
        LoraWeights w = new LoraWeights(2, 1, 1, new float[] {1, 2}, new float[] {3});
        LoraAdapter a = new LoraAdapter("qwen2", 2f, 1, Map.of("x.weight", w), LoraProvenance.none());
        LoraAdapter c = LoraAdapter.combine(List.of(new ScaledLora(a, 0.5f), new ScaledLora(a, 1f)));
        assertThat(c.alpha()).isZero();
        assertThat(c.scaling()).isEqualTo(1f);
        assertThat(c.rank()).isEqualTo(2);
        assertThat(c.weights().get("x.weight").a()).containsExactly(1, 2, 1, 2);
        assertThat(c.weights().get("x.weight").b()).containsExactly(3f, 6f); // 0.5*2*3, 1*2*3
    }

    private static byte[] bytes(Path file, GgufFile h, GgufTensorInfo t) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) t.byteSize().orElseThrow());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.read(b, h.dataOffset() + t.offset());
        }
        return b.array();
    }
}

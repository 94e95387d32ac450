package dev.deliberate.gguf.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufFormatException;
import dev.deliberate.gguf.GgufValue;
import dev.deliberate.gguf.GgufWriter;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraAdapterTest {

    @TempDir
    static Path dir;
    static GgufFile tiny;

    @BeforeAll
    static void base() throws IOException {
        Path p = dir.resolve("tiny.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 7).writeGguf(p);
        tiny = GgufFile.read(p);
    }

    /** A random adapter over q and v of every block of the tiny model (q: [64, 64], v: [64, 32]). */
    static LoraAdapter randomAdapter(GgufFile base, int rank, long seed) {
        Random r = new Random(seed);
        Map<String, LoraWeights> w = new java.util.TreeMap<>();
        for (var t : base.tensors()) {
            if (t.name().endsWith("attn_q.weight") || t.name().endsWith("attn_v.weight")) {
                int in = (int) (long) t.shape().get(0);
                int out = (int) (long) t.shape().get(1);
                float[] a = new float[in * rank];
                float[] b = new float[rank * out];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) r.nextGaussian() * 0.1f;
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) r.nextGaussian() * 0.1f;
                }
                w.put(t.name(), new LoraWeights(in, out, rank, a, b));
            }
        }
        return new LoraAdapter("qwen2", 8f, rank, w, LoraProvenance.of("AB".repeat(32), Map.of("steps", "3")));
    }

    @Test
    void writesLlamaCppMetadataAndTensorNamesAndReadsBackEqual() throws IOException {
        LoraAdapter adapter = randomAdapter(tiny, 4, 1);
        Path p = dir.resolve("a.gguf");
        adapter.write(p);
        GgufFile h = GgufFile.read(p);
        assertThat(h.getString("general.type")).hasValue("adapter");
        assertThat(h.getString("adapter.type")).hasValue("lora");
        assertThat(h.architecture()).hasValue("qwen2");
        assertThat(h.get("adapter.lora.alpha")).hasValue(GgufValue.float32(8f));
        assertThat(h.tensor("blk.0.attn_q.weight.lora_a").orElseThrow().shape()).containsExactly(64L, 4L);
        assertThat(h.tensor("blk.0.attn_q.weight.lora_b").orElseThrow().shape()).containsExactly(4L, 64L);
        assertThat(h.tensor("blk.1.attn_v.weight.lora_b").orElseThrow().shape())
                .containsExactly(4L, tiny.tensor("blk.1.attn_v.weight").orElseThrow().shape().get(1));
        LoraAdapter back = LoraAdapter.read(p);
        assertThat(back).isEqualTo(adapter);
        assertThat(back.provenance().baseSha256()).hasValue("ab".repeat(32));
        assertThat(back.provenance().training()).containsEntry("steps", "3");
        assertThat(back.scaling()).isEqualTo(2f);
        back.checkFits(tiny);
    }

    @Test
    void f16FactorsReadBackWithinHalfPrecision() throws IOException {
        LoraAdapter adapter = randomAdapter(tiny, 2, 2);
        Path p = dir.resolve("h.gguf");
        adapter.write(p, GgmlType.F16);
        LoraAdapter back = LoraAdapter.read(p);
        float[] a = adapter.weights().get("blk.0.attn_q.weight").a();
        float[] a2 = back.weights().get("blk.0.attn_q.weight").a();
        for (int i = 0; i < a.length; i++) {
            assertThat(a2[i]).isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-3f));
        }
    }

    @Test
    void wrongArchitectureIsRefused() {
        LoraAdapter a = randomAdapter(tiny, 2, 3);
        LoraAdapter llama = new LoraAdapter("llama", a.alpha(), a.rank(), a.weights(), LoraProvenance.none());
        assertThatThrownBy(() -> llama.checkFits(tiny)).isInstanceOf(LoraMismatchException.class)
                .hasMessageContaining("'llama'").hasMessageContaining("'qwen2'");
    }

    @Test
    void missingTensorAndWrongShapeNameTheTensorAndShapes() {
        LoraWeights w = new LoraWeights(64, 64, 2, new float[128], new float[128]);
        LoraAdapter missing = new LoraAdapter("qwen2", 4f, 2, Map.of("blk.9.attn_q.weight", w), LoraProvenance.none());
        assertThatThrownBy(() -> missing.checkFits(tiny)).isInstanceOfSatisfying(LoraMismatchException.class,
                e -> assertThat(e.tensor()).hasValue("blk.9.attn_q.weight"));
        LoraAdapter shape = new LoraAdapter("qwen2", 4f, 2, Map.of("blk.0.attn_v.weight", w), LoraProvenance.none());
        assertThatThrownBy(() -> shape.checkFits(tiny)).isInstanceOf(LoraMismatchException.class)
                .hasMessageContaining("blk.0.attn_v.weight").hasMessageContaining("[64, 32]")
                .hasMessageContaining("[64, 2]").hasMessageContaining("[2, 64]");
    }

    @Test
    void aBaseModelIsNotAnAdapter() {
        assertThatThrownBy(() -> LoraAdapterInfo.of(tiny)).isInstanceOf(LoraFormatException.class)
                .hasMessageContaining("general.type");
    }

    @Test
    void unpairedAndTransposedFactorsAreFormatErrors() throws IOException {
        Path unpaired = dir.resolve("unpaired.gguf");
        adapterHeader().tensor("blk.0.attn_q.weight.lora_a", GgmlType.F32, List.of(64L, 2L), zeros(128))
                .write(unpaired);
        assertThatThrownBy(() -> LoraAdapterInfo.read(unpaired)).isInstanceOf(LoraFormatException.class)
                .hasMessageContaining("blk.0.attn_q.weight.lora_a has no blk.0.attn_q.weight.lora_b");
        Path transposed = dir.resolve("transposed.gguf");
        adapterHeader().tensor("blk.0.attn_q.weight.lora_a", GgmlType.F32, List.of(2L, 64L), zeros(128))
                .tensor("blk.0.attn_q.weight.lora_b", GgmlType.F32, List.of(2L, 64L), zeros(128))
                .write(transposed);
        assertThatThrownBy(() -> LoraAdapterInfo.read(transposed)).isInstanceOf(LoraFormatException.class)
                .hasMessageContaining("rank");
    }

    @Test
    void truncatedFileIsAFormatError() throws IOException {
        Path p = dir.resolve("t.gguf");
        randomAdapter(tiny, 4, 4).write(p);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(p) - 100);
        }
        assertThatThrownBy(() -> LoraAdapter.read(p)).isInstanceOf(GgufFormatException.class);
    }

    @Test
    void valuesAreValidatedAndCopied() {
        float[] a = new float[128];
        LoraWeights w = new LoraWeights(64, 64, 2, a, new float[128]);
        a[0] = 5f;
        assertThat(w.a()[0]).isZero();
        assertThatThrownBy(() -> new LoraWeights(64, 64, 2, new float[127], new float[128]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[64, 2]");
        float[] nan = new float[128];
        nan[3] = Float.NaN;
        assertThatThrownBy(() -> new LoraWeights(64, 64, 2, nan, new float[128]))
                .hasMessageContaining("lora_a[3]");
        assertThatThrownBy(() -> new LoraAdapter("qwen2", 1f, 3, Map.of("x.weight", w), LoraProvenance.none()))
                .hasMessageContaining("rank 2");
        assertThatThrownBy(() -> new LoraAdapter("qwen2", 1f, 2, Map.of("token_embd.weight", w),
                LoraProvenance.none())).hasMessageContaining("token_embd");
    }

    private static GgufWriter adapterHeader() {
        return new GgufWriter().put("general.architecture", GgufValue.string("qwen2"))
                .put("general.type", GgufValue.string("adapter"))
                .put("adapter.type", GgufValue.string("lora"))
                .put("adapter.lora.alpha", GgufValue.float32(4f));
    }

    private static GgufWriter.TensorData zeros(int n) {
        return sink -> sink.accept(new float[n], 0, n);
    }
}

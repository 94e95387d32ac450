package dev.deliberate.testmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufFileType;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.GgufTensorReader;
import dev.deliberate.gguf.GgufSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestModelGeneratorTest {

    @TempDir
    Path dir;

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }

    private static String sha256Lines(List<String> lines) {
        return sha256(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sameSeedGivesAByteIdenticalFile() throws IOException {
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 7).writeGguf(a);
        TestModelGenerator.of(TestModelPreset.TINY, 7).writeGguf(b);
        assertEquals(sha256(a), sha256(b));
    }

    @Test
    void differentSeedsGiveDifferentWeightsAndTheSameVocabulary() throws IOException {
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 1).writeGguf(a);
        TestModelGenerator.of(TestModelPreset.TINY, 2).writeGguf(b);
        assertNotEquals(sha256(a), sha256(b));
        GgufFile ga = GgufFile.read(a);
        GgufFile gb = GgufFile.read(b);
        assertEquals(ga.tensors(), gb.tensors());
        assertEquals(ga.get("tokenizer.ggml.tokens"), gb.get("tokenizer.ggml.tokens"));
        assertEquals(ga.get("tokenizer.ggml.merges"), gb.get("tokenizer.ggml.merges"));
        // the weights themselves differ, not only the description that names the seed
        byte[] da = Files.readAllBytes(a);
        byte[] db = Files.readAllBytes(b);
        int from = (int) ga.dataOffset();
        assertTrue(from == gb.dataOffset());
        assertNotEquals(sha256(java.util.Arrays.copyOfRange(da, from, da.length)),
                sha256(java.util.Arrays.copyOfRange(db, from, db.length)));
    }

    /**
     * The hashes were computed from {@code build_tokenizer(200, 512)} and {@code build_tokenizer(200, 32000)} of
     * the verified Python reference ({@code gen_test_model.py}): SHA-256 of the tokens (or merges) joined by
     * newlines. The Java trainer must reproduce them exactly, ties included.
     */
    @Test
    void vocabularyEqualsThePythonReference() {
        TestModelVocabulary tiny = TestModelVocabulary.train(200, 512);
        assertEquals("501c5c33b381e7d53218b0a43b7bc95b5989936fd1dde4e1c96f7bedafb41ca6", sha256Lines(tiny.tokens()));
        assertEquals("d66bd9019a5ce7f8dc4ef63d9b4844abe480e3a268be165e391c4f17e2c83ae3", sha256Lines(tiny.merges()));
        assertEquals(List.of("Ġ t", "Ġ a", "h e", "e r", "Ġ p"), tiny.merges().subList(0, 5));
        assertEquals(503, tiny.id(TestModelVocabulary.BOS));
        assertEquals(510, tiny.id(TestModelVocabulary.THINK));
        TestModelVocabulary bench = TestModelVocabulary.train(200, 32_000);
        assertEquals("7842c7ed184f0274ba67e4b0a0a19ffd1fca44d2fc7c666139bcbc9e6ca794e0",
                sha256Lines(bench.tokens()));
    }

    @Test
    void tinyModelIsAnR1StyleQwen2WellUnderAMegabyte() throws IOException {
        Path file = dir.resolve("tiny.gguf");
        GeneratedTestModel model = TestModelGenerator.of(TestModelPreset.TINY, 1234).writeGguf(file);
        assertEquals(Files.size(file), model.sizeBytes());
        assertTrue(model.sizeBytes() < 1_000_000, "size " + model.sizeBytes());

        GgufSummary s = GgufSummary.of(GgufFile.read(file));
        assertEquals("qwen2", s.architecture().orElseThrow());
        assertEquals(TestModelPreset.TINY.spec().parameterCount(), s.parameterCount());
        assertEquals(model.parameterCount(), s.parameterCount());
        assertEquals("F32", s.quantization());
        assertEquals(Map.of("F32", 27), s.tensorTypes());
        assertEquals(OptionalLong.of(2048), s.contextLength());
        assertEquals(OptionalLong.of(64), s.embeddingLength());
        assertEquals(OptionalLong.of(2), s.layers());
        assertEquals(OptionalLong.of(4), s.heads());
        assertEquals(OptionalLong.of(2), s.kvHeads());
        assertEquals(OptionalLong.of(512), s.vocabularySize());
        assertEquals(TestModelGenerator.CHAT_TEMPLATE, s.chatTemplate().orElseThrow());
        assertTrue(s.opensThinking());
        assertEquals("deliberate-test-tiny", s.name().orElseThrow());
    }

    @Test
    void benchPresetHasTheShapeOfASmallDistilledModel() {
        TestModelSpec bench = TestModelPreset.BENCH.spec();
        assertEquals(245_949_440L, bench.parameterCount()); // the Python reference prints 245.9M for this shape
        assertEquals(GgmlType.Q8_0, bench.weightType());
        assertEquals(64, bench.headSize());
    }

    @Test
    void q8ModelsAreQuantizedExceptNormsAndBiases() throws IOException {
        TestModelSpec small = new TestModelSpec("q8-small", 64, 1, 4, 2, 96, 512, 50, 512, GgmlType.Q8_0);
        Path file = dir.resolve("q8.gguf");
        new TestModelGenerator(small, 3).writeGguf(file);
        GgufSummary s = GgufSummary.of(GgufFile.read(file));
        assertEquals("Q8_0", s.quantization());
        assertEquals(Map.of("F32", 6, "Q8_0", 9), s.tensorTypes()); // 5 per layer + output norm
        assertEquals(small.parameterCount(), s.parameterCount());
    }

    @Test
    void specRejectsShapesLlamaCppCannotLoad() {
        assertThrows(IllegalArgumentException.class,
                () -> new TestModelSpec("x", 64, 1, 3, 1, 128, 512, 10, 512, GgmlType.F32)); // 64 / 3 heads
        assertThrows(IllegalArgumentException.class,
                () -> new TestModelSpec("x", 64, 1, 4, 3, 128, 512, 10, 512, GgmlType.F32)); // 4 / 3 kv heads
        assertThrows(IllegalArgumentException.class,
                () -> new TestModelSpec("x", 48, 1, 4, 2, 128, 512, 10, 512, GgmlType.Q8_0)); // 48 % 32
        assertThrows(IllegalArgumentException.class,
                () -> new TestModelSpec("x", 64, 1, 4, 2, 128, 300, 200, 512, GgmlType.F32)); // vocab too small
        assertThrows(IllegalArgumentException.class,
                () -> new TestModelSpec("x", 64, 1, 4, 2, 128, 512, 10, 512, GgmlType.Q4_K)); // 64 % 256
        assertThrows(IllegalArgumentException.class,
                () -> new TestModelSpec("x", 256, 1, 4, 2, 640, 512, 10, 512, GgmlType.Q3_K)); // ffn 640 % 256
        assertThrows(IllegalArgumentException.class,
                () -> new TestModelSpec("x", 64, 1, 4, 2, 128, 512, 10, 512, GgmlType.IQ4_XS));
        TestModelSpec small = TestModelPreset.SMALL_Q4_K_M.spec();
        assertThrows(IllegalArgumentException.class,
                () -> small.withWeights("x", GgmlType.Q8_0, GgufFileType.MOSTLY_Q4_K_M)); // recipe needs Q4_K
        assertThrows(IllegalArgumentException.class,
                () -> small.withWeights("x", GgmlType.Q6_K, GgufFileType.MOSTLY_Q8_0));
    }

    /**
     * The TINY preset and a uniform Q8_0 spec (the BENCH preset's encoding) give the files they gave before
     * quantizers were added: SHA-256 of the files written by the earlier generator (and checked by hand for the
     * BENCH preset: 71c0d646...5890e at seed 1234).
     */
    @Test
    void existingPresetsKeepTheirBytes() throws IOException {
        Path tiny = dir.resolve("tiny.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 42).writeGguf(tiny);
        assertEquals("1f6b2d83ea2bf18d812ad0ef9f2f14cc377fab86c235bf2e1f4d7c3607dd2c9c", sha256(tiny));
        Path q8 = dir.resolve("q8.gguf");
        new TestModelGenerator(new TestModelSpec("q8-small", 64, 1, 4, 2, 96, 512, 50, 512, GgmlType.Q8_0), 3)
                .writeGguf(q8);
        assertEquals("750e65ff23e15bb833e3542f25f087d7cac13b0564fe33d50a2d078f4e94a3b9", sha256(q8));
    }

    @Test
    void q4KmPresetMixesTypesAsLlamaCppsRecipe() throws IOException {
        Path file = dir.resolve("q4km.gguf");
        GeneratedTestModel model = TestModelGenerator.of(TestModelPreset.SMALL_Q4_K_M, 9).writeGguf(file);
        GgufFile header = GgufFile.read(file);
        Map<String, GgmlType> types = new java.util.TreeMap<>();
        header.tensors().forEach(t -> types.put(t.name(), t.type().orElseThrow()));
        assertEquals(GgmlType.Q4_K, types.get("token_embd.weight"));
        assertEquals(GgmlType.Q6_K, types.get("output.weight"));
        assertEquals(GgmlType.F32, types.get("output_norm.weight"));
        for (int i = 0; i < 2; i++) {
            String p = "blk." + i + ".";
            for (String m : List.of("attn_q", "attn_k", "attn_output", "ffn_gate", "ffn_up")) {
                assertEquals(GgmlType.Q4_K, types.get(p + m + ".weight"), p + m);
            }
            for (String n : List.of("attn_norm.weight", "ffn_norm.weight", "attn_q.bias", "attn_k.bias",
                    "attn_v.bias")) {
                assertEquals(GgmlType.F32, types.get(p + n), p + n);
            }
        }
        // use_more_bits(i, 2) picks layer 1 only (i >= 7 * 2 / 8)
        assertEquals(GgmlType.Q4_K, types.get("blk.0.attn_v.weight"));
        assertEquals(GgmlType.Q6_K, types.get("blk.1.attn_v.weight"));
        // ffn_down rows are 640 values, not whole super-blocks: Q4_K falls back to Q5_0, Q6_K to Q8_0
        assertEquals(GgmlType.Q5_0, types.get("blk.0.ffn_down.weight"));
        assertEquals(GgmlType.Q8_0, types.get("blk.1.ffn_down.weight"));
        GgufSummary s = GgufSummary.of(header);
        assertEquals("Q4_K_M", s.quantization());
        assertEquals(model.parameterCount(), s.parameterCount());
        assertTrue(model.sizeBytes() < 1_300_000, "size " + model.sizeBytes());
    }

    @Test
    void useMoreBitsPicksTheLayersLlamaCppPicks() {
        // a 28-layer model (DeepSeek-R1-Distill-Qwen-7B): layers 0-2, 5, 8, ..., 23, and 24-27
        List<Integer> picked = new java.util.ArrayList<>();
        for (int i = 0; i < 28; i++) {
            if (TestModelSpec.useMoreBits(i, 28)) {
                picked.add(i);
            }
        }
        assertEquals(List.of(0, 1, 2, 5, 8, 11, 14, 17, 20, 23, 24, 25, 26, 27), picked);
    }

    /**
     * Decoding every tensor of the Q4_K_M model gives the weights of the same seed written as F32 (the generator
     * draws identical values whatever the encoding), within each type's quantization error.
     */
    @Test
    void q4KmModelDecodesToItsF32WeightsWithinTheQuantizationError() throws IOException {
        TestModelSpec q = TestModelPreset.SMALL_Q4_K_M.spec();
        Path qf = dir.resolve("q.gguf");
        Path ff = dir.resolve("f.gguf");
        new TestModelGenerator(q, 5).writeGguf(qf);
        new TestModelGenerator(q.withWeights(q.name(), GgmlType.F32, GgufFileType.ALL_F32), 5).writeGguf(ff);
        GgufFile qh = GgufFile.read(qf);
        GgufFile fh = GgufFile.read(ff);
        try (GgufTensorReader qr = GgufTensorReader.open(qf, qh); GgufTensorReader fr = GgufTensorReader.open(ff, fh)) {
            for (GgufTensorInfo t : qh.tensors()) {
                float[] a = fr.readFloats(t.name()).orElseThrow();
                float[] b = qr.readFloats(t);
                double err = 0;
                double sig = 0;
                for (int i = 0; i < a.length; i++) {
                    err += (a[i] - b[i]) * (double) (a[i] - b[i]);
                    sig += a[i] * (double) a[i];
                }
                double rel = Math.sqrt(err / sig);
                double bound = switch (t.type().orElseThrow()) {
                    case F32 -> 0;
                    case Q8_0 -> 0.0065;
                    case Q6_K -> 0.022;
                    case Q5_0 -> 0.052;
                    case Q4_K -> 0.085;
                    default -> throw new AssertionError(t.typeName());
                };
                assertTrue(rel <= bound, t.name() + " " + t.typeName() + " relative RMS error " + rel);
            }
        }
    }

    @Test
    void writingOverAnExistingFileReplacesItAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("m.gguf");
        Files.writeString(file, "old");
        TestModelGenerator.of(TestModelPreset.TINY, 5).writeGguf(file);
        TestModelGenerator.of(TestModelPreset.TINY, 5).writeTokenizerJson(dir.resolve("m.tokenizer.json"));
        assertEquals("qwen2", GgufFile.read(file).architecture().orElseThrow());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("m.gguf", "m.tokenizer.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void writingWhereAFileBlocksTheFolderFailsWithoutOutput() throws IOException {
        Files.write(dir.resolve("blocker"), new byte[0]);
        Path file = dir.resolve("blocker").resolve("m.gguf");
        assertThrows(IOException.class, () -> TestModelGenerator.of(TestModelPreset.TINY, 5).writeGguf(file));
        assertFalse(Files.exists(file));
    }

    @Test
    void writingIntoAMissingDirectoryCreatesIt() throws IOException {
        Path file = dir.resolve("missing").resolve("m.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 5).writeGguf(file);
        assertTrue(Files.isRegularFile(file));
    }
}

package dev.deliberate.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import dev.deliberate.core.testing.Peers;
import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufFileType;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.GgufTensorReader;
import dev.deliberate.gguf.GgufValue;
import dev.deliberate.gguf.GgufWriter;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import dev.deliberate.testmodel.TestModelSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Deliberate's dequantization against llama.cpp's own use of the same quantized blocks (build b4916 through
 * de.kherud:llama). A quantized model written by the generator runs in llama.cpp; every tensor is then decoded
 * with {@link GgufTensorReader} and written as an F32 file with the same metadata (only {@code general.file_type}
 * says F32). If the decoder is exact, both files hold the same weights and llama.cpp's logits for them differ only
 * by how it computes with quantized weights: it rounds the activations to 8 bits (Q8_K for k-quants, Q8_0/Q8_1 for
 * the 32-value types) before each dot product, an error of at most 1/254 of a block's largest activation.
 *
 * <p>What is compared: logit differences {@code logit(r) - logit(t)} of token pairs after a prompt (what decides
 * the next-token distribution; the binding exposes no logits, see {@link Logits}), 15 pairs over three prompts for
 * the Q4_K_M file and 3 pairs for each uniform file.
 *
 * <p><b>Tolerance</b> ({@link #TOLERANCE} = 0.025 logits, a 2.5 % change of a probability ratio): measured on this
 * machine, the 8-bit activation rounding moves these differences by at most 0.016 (Q4_K_M, 15 pairs) and 0.008
 * (uniform files; means 0.002 to 0.006); the tolerance is 1.5 times the largest. A decoder that gets one 6-bit
 * scale of one 32-value sub-block wrong moves them by 0.097 ({@link #oneWrongScaleIsFarOutsideTheTolerance}), and
 * a systematic decoding error (every block) by far more.
 */
class QuantizedModelsIT {

    /** Largest allowed difference of a logit difference between the quantized and the decoded model. */
    static final double TOLERANCE = 0.025;

    private static final List<String> PROMPTS = List.of("The answer is", "Hello world! What is 2 + 2?",
            "<｜User｜>Why is the sky blue?<｜Assistant｜><think>\n");
    private static final long SEED = 42;

    @TempDir
    static Path dir;

    @BeforeAll
    static void nativeLibrary() {
        NativeRuntime.init();
    }

    private static LlamaModel open(Path gguf) {
        ModelParameters p = new ModelParameters().setModel(gguf.toString()).setCtxSize(256).setThreads(1)
                .setSeed(42);
        try {
            return new LlamaModel(p);
        } catch (UnsatisfiedLinkError e) {
            Peers.require(false, "the llama.cpp native library (" + e.getMessage() + ")");
            throw e;
        }
    }

    /**
     * llama.cpp's logit differences {@code logit(r) - logit(t)} after each prompt, for a reference token r and
     * candidate tokens t, measured through the binding: with every other token disabled by a logit bias, greedy
     * decoding picks t exactly when its bias exceeds the difference, which a bisection finds to
     * {@link #RESOLUTION}. (The binding's {@code setNProbs} cannot be used: build b4916's result has no
     * {@code probs} field where the binding's native code looks for one, and the process aborts.)
     */
    static final class Logits implements AutoCloseable {
        private final LlamaModel model;
        private final int vocabulary;

        Logits(Path gguf, int vocabulary) {
            this.model = open(gguf);
            this.vocabulary = vocabulary;
        }

        String piece(int token) {
            return model.decode(new int[] {token});
        }

        /** Tokens whose text is printable ASCII and unique, so that the generated text names the token. */
        List<Integer> nameableTokens() {
            Map<String, Integer> count = new HashMap<>();
            for (int t = 0; t < vocabulary; t++) {
                count.merge(piece(t), 1, Integer::sum);
            }
            List<Integer> out = new java.util.ArrayList<>();
            for (int t = 0; t < vocabulary; t++) {
                String s = piece(t);
                if (count.get(s) == 1 && s.matches("[ -~]+")) {
                    out.add(t);
                }
            }
            return out;
        }

        String greedy(String prompt, Map<Integer, Float> bias) {
            InferenceParameters p = new InferenceParameters(prompt).setTemperature(0f).setNPredict(1).setSeed(7)
                    .setIgnoreEos(true).setRepeatPenalty(1f).setCachePrompt(false);
            return model.complete(bias.isEmpty() ? p : p.setTokenIdBias(bias));
        }

        /** {@code logit(r) - logit(t)} after {@code prompt}. */
        double difference(String prompt, int r, int t) {
            Map<Integer, Float> bias = new HashMap<>();
            for (int i = 0; i < vocabulary; i++) {
                if (i != r && i != t) {
                    bias.put(i, -1000f); // disabled (the binding's disableTokenIds would replace this map)
                }
            }
            String rText = piece(r);
            String tText = piece(t);
            double lo = -RANGE;
            double hi = RANGE;
            while (hi - lo > RESOLUTION) {
                double mid = (lo + hi) / 2;
                bias.put(t, (float) mid);
                String out = greedy(prompt, bias);
                if (out.equals(tText)) {
                    hi = mid;
                } else {
                    assertEquals(rText, out, "only tokens " + r + " and " + t + " are allowed");
                    lo = mid;
                }
            }
            assertTrue(lo > -RANGE && hi < RANGE, "logit difference outside +-" + RANGE);
            return (lo + hi) / 2;
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /** Half-width of the bisection interval; the random-weight models' logits spread about 0.3. */
    static final double RANGE = 8;
    /** Width of the bisection's last interval. */
    static final double RESOLUTION = 5e-4;

    /** Logit differences of one model for a fixed set of (prompt, r, t) triples. */
    private static double[] differences(Path gguf, int vocabulary, List<String> prompts, int[] refs, int[][] cands) {
        try (Logits l = new Logits(gguf, vocabulary)) {
            int n = 0;
            for (int[] c : cands) {
                n += c.length;
            }
            double[] out = new double[n];
            int k = 0;
            for (int i = 0; i < prompts.size(); i++) {
                for (int t : cands[i]) {
                    out[k++] = l.difference(prompts.get(i), refs[i], t);
                }
            }
            return out;
        }
    }

    /**
     * Picks, with the reference (decoded F32) model, for each prompt a reference token r and {@code perPrompt}
     * candidates, all nameable and spread over the vocabulary.
     */
    private static int[][] choose(Path reference, int vocabulary, List<String> prompts, int perPrompt, int[] refs) {
        try (Logits l = new Logits(reference, vocabulary)) {
            List<Integer> nameable = l.nameableTokens();
            int[][] cands = new int[prompts.size()][];
            for (int i = 0; i < prompts.size(); i++) {
                refs[i] = nameable.get((i * 31 + 3) % nameable.size());
                List<Integer> c = new java.util.ArrayList<>();
                for (int j = 0; c.size() < perPrompt; j++) {
                    int t = nameable.get((j * 53 + i * 17 + 5) % nameable.size());
                    if (t != refs[i] && !c.contains(t)) {
                        c.add(t);
                    }
                }
                cands[i] = c.stream().mapToInt(Integer::intValue).toArray();
            }
            return cands;
        }
    }

    /** Writes {@code source}'s tensors, decoded by {@link GgufTensorReader}, as F32 with the same metadata. */
    static void writeDecodedAsF32(Path source, Path target) throws IOException {
        GgufFile header = GgufFile.read(source);
        GgufWriter out = new GgufWriter();
        for (Map.Entry<String, GgufValue> e : header.metadata().entrySet()) {
            // the same metadata, except that the file now says what it is
            out.put(e.getKey(), e.getKey().equals("general.file_type")
                    ? GgufValue.uint32(GgufFileType.ALL_F32.code()) : e.getValue());
        }
        try (GgufTensorReader reader = GgufTensorReader.open(source, header)) {
            for (GgufTensorInfo t : header.tensors()) {
                float[] values = reader.readFloats(t);
                out.tensor(t.name(), GgmlType.F32, t.shape(), sink -> sink.accept(values, 0, values.length));
            }
            out.write(target);
        }
    }

    /** How far two models' logit differences are apart. */
    record Difference(double max, double mean, int pairs) {
        static Difference of(double[] a, double[] b) {
            double max = 0;
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
                double d = Math.abs(a[i] - b[i]);
                max = Math.max(max, d);
                sum += d;
            }
            return new Difference(max, sum / a.length, a.length);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "max |d logit| %.5f, mean %.5f over %d token pairs", max, mean, pairs);
        }
    }

    /** A quantized model against the F32 file of its decoded weights, both in llama.cpp. */
    private static Difference compare(TestModelSpec spec, String label, List<String> prompts, int perPrompt)
            throws IOException {
        Path quantized = dir.resolve(label + ".gguf");
        Path decoded = dir.resolve(label + "-decoded-f32.gguf");
        new TestModelGenerator(spec, SEED).writeGguf(quantized);
        writeDecodedAsF32(quantized, decoded);
        int v = spec.vocabularySize();
        int[] refs = new int[prompts.size()];
        int[][] cands = choose(decoded, v, prompts, perPrompt, refs);
        Difference d = Difference.of(differences(quantized, v, prompts, refs, cands),
                differences(decoded, v, prompts, refs, cands));
        System.out.println("[QuantizedModelsIT] " + label + " vs its decoded F32: " + d);
        return d;
    }

    @Test
    void q4KmModelLoadsAndGeneratesInLlamaCpp() throws IOException {
        Path file = dir.resolve("gen-q4km.gguf");
        TestModelGenerator.of(TestModelPreset.SMALL_Q4_K_M, SEED).writeGguf(file);
        try (LlamaModel model = open(file)) {
            InferenceParameters p = new InferenceParameters("The answer is").setTemperature(0f).setNPredict(16)
                    .setSeed(7).setIgnoreEos(true);
            String first = model.complete(p);
            assertFalse(first.isEmpty());
            assertEquals(first, model.complete(p));
        }
    }

    @Test
    void q4KmModelAndItsDecodedWeightsGiveTheSameLogits() throws IOException {
        Difference d = compare(TestModelPreset.SMALL_Q4_K_M.spec(), "q4km", PROMPTS, 5);
        assertTrue(d.max() < TOLERANCE, d.toString());
    }

    /** Uniform files of each type (hidden 256, FFN 512 so that Q2_K and Q3_K fit), decoded and compared. */
    @ParameterizedTest
    @EnumSource(names = {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void uniformModelsAndTheirDecodedWeightsGiveTheSameLogits(GgmlType type) throws IOException {
        TestModelSpec spec = new TestModelSpec("deliberate-test-" + type.name().toLowerCase(Locale.ROOT), 256, 2, 4, 2,
                512, 512, 200, 2048, type);
        Difference d = compare(spec, type.name(), PROMPTS.subList(0, 1), 3);
        assertTrue(d.max() < TOLERANCE, type + ": " + d);
    }

    /**
     * The tolerance is not loose: decode the Q4_K_M file with one wrong scale (one bit of the 6-bit scale of
     * the first 32 values of the embedding of the prompt's last token, as a decoder that misread one packed scale
     * would) and the distance to llama.cpp's run of the correct file is more than twice the tolerance.
     */
    @Test
    void oneWrongScaleIsFarOutsideTheTolerance() throws IOException {
        TestModelSpec spec = TestModelPreset.SMALL_Q4_K_M.spec();
        Path quantized = dir.resolve("p-q4km.gguf");
        new TestModelGenerator(spec, SEED).writeGguf(quantized);
        Path wrong = dir.resolve("p-q4km-one-wrong-scale.gguf");
        Files.copy(quantized, wrong, StandardCopyOption.REPLACE_EXISTING);
        GgufFile header = GgufFile.read(quantized);
        GgufTensorInfo embd = header.tensor("token_embd.weight").orElseThrow();
        assertEquals(GgmlType.Q4_K, embd.type().orElseThrow());
        Map<Integer, Integer> lastTokens = new HashMap<>();
        try (LlamaModel model = open(quantized)) {
            for (String prompt : PROMPTS) {
                int[] ids = model.encode(prompt);
                lastTokens.merge(ids[ids.length - 1], 1, Integer::sum);
            }
        }
        try (FileChannel ch = FileChannel.open(wrong, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (int token : lastTokens.keySet()) {
                // row `token` is one 144-byte super-block (hidden 256); its scales start at byte 4
                long at = header.dataOffset() + embd.offset() + (long) token * GgmlType.Q4_K.blockBytes() + 4;
                ByteBuffer b = ByteBuffer.allocate(1);
                ch.read(b, at);
                b.put(0, (byte) (b.get(0) ^ 0x10)).rewind(); // scale of sub-block 0 off by 16 (of at most 63)
                ch.write(b, at);
            }
        }
        Path decoded = dir.resolve("p-decoded-f32.gguf");
        Path decodedWrong = dir.resolve("p-decoded-wrong-f32.gguf");
        writeDecodedAsF32(quantized, decoded);
        writeDecodedAsF32(wrong, decodedWrong);
        int v = spec.vocabularySize();
        int[] refs = new int[PROMPTS.size()];
        int[][] cands = choose(decoded, v, PROMPTS, 5, refs);
        Difference d = Difference.of(differences(quantized, v, PROMPTS, refs, cands),
                differences(decodedWrong, v, PROMPTS, refs, cands));
        System.out.println("[QuantizedModelsIT] q4km vs a decode with one wrong scale: " + d);
        assertTrue(d.max() > 2 * TOLERANCE, d.toString());
    }
}

package dev.deliberate.adapt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.lora.LoraAdapter;
import dev.deliberate.gguf.lora.LoraMerge;
import dev.deliberate.gguf.lora.LoraProvenance;
import dev.deliberate.gguf.lora.LoraWeights;
import dev.deliberate.gguf.lora.ScaledLora;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import dev.deliberate.llama.TestModels;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * llama.cpp with a GGUF LoRA adapter against the DJL forward pass with the same LoRA weights, on the TINY model.
 *
 * <p>llama.cpp's server (b4916, as bundled) applies adapters to completions only, not to embeddings, so the adapter
 * file is checked through greedy decoding: 24 tokens after each prompt, every one the argmax of a full
 * distribution, must be the DJL pass's argmax with the adapter; and they must differ from the base model's
 * continuation, so the adapter matters. The hidden states are then compared within the F32 tolerance against
 * llama.cpp running the base with the adapter merged into its F32 weights ({@link LoraMerge}), which computes
 * {@code (W + s B A) x} where the DJL pass computes {@code W x + s B (A x)}.
 */
class ForwardWithLoraMatchesLlamaCppIT {

    @TempDir
    static Path dir;

    private static NDManager root;

    @BeforeAll
    static void start() {
        root = NDManager.newBaseManager();
        ForwardMatchesLlamaCppIT.start();
    }

    @AfterAll
    static void stop() {
        ForwardMatchesLlamaCppIT.stop();
        root.close();
    }

    /** Rank 4, alpha 8, all seven projections of every block, A and B both seeded random (a trained-like adapter). */
    static LoraAdapter randomAdapter(DecoderModel model, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int rank = 4;
        Map<String, LoraWeights> weights = new TreeMap<>();
        for (int layer = 0; layer < model.config().layers(); layer++) {
            for (LoraTarget t : LoraTarget.values()) {
                NDArray w = model.weights().get(t.weightName(layer));
                int out = Math.toIntExact(w.getShape().get(0));
                int in = Math.toIntExact(w.getShape().get(1));
                float[] a = new float[rank * in];
                float[] b = new float[out * rank];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) rnd.nextDouble(-1, 1) / (float) Math.sqrt(in);
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) rnd.nextDouble(-0.1, 0.1);
                }
                weights.put(t.weightName(layer), new LoraWeights(in, out, rank, a, b));
            }
        }
        return new LoraAdapter(model.config().architecture().ggufName(), 8f, rank, weights, LoraProvenance.none());
    }

    static final int CONTINUATION = 24;

    /** The DJL pass's greedy continuation, rendered as llama.cpp renders completions (special tokens as nothing). */
    static String djlContinuation(DecoderModel model, LlamaCppReference ref, String prompt, Set<Integer> special) {
        List<Integer> ids = new ArrayList<>();
        for (int id : ref.tokenIds(prompt)) {
            ids.add(id);
        }
        List<Integer> generated = new ArrayList<>();
        for (int step = 0; step < CONTINUATION; step++) {
            try (NDManager m = root.newSubManager()) {
                int[] in = ids.stream().mapToInt(Integer::intValue).toArray();
                NDArray logits = model.logits(m.create(in).reshape(1, in.length), ForwardMode.INFERENCE);
                int next = (int) logits.get(new ai.djl.ndarray.index.NDIndex("0, -1, :")).argMax().getLong();
                ids.add(next);
                if (!special.contains(next)) {
                    generated.add(next);
                }
            }
        }
        return ref.decode(generated.stream().mapToInt(Integer::intValue).toArray());
    }

    /** @return the control tokens (GGUF token type 3), which llama.cpp renders as nothing in completions */
    static Set<Integer> controlIds(GgufFile header) {
        long[] types = header.getArray("tokenizer.ggml.token_type").orElseThrow().longs();
        Set<Integer> out = new HashSet<>();
        for (int i = 0; i < types.length; i++) {
            if (types[i] == 3) {
                out.add(i);
            }
        }
        return out;
    }

    @Test
    void llamaCppWithTheAdapterFileDecodesAsTheDjlForwardWithTheSameWeights() throws Exception {
        Path gguf = TestModels.tiny();
        GgufFile header = GgufFile.read(gguf);
        int bos = ForwardMatchesLlamaCppIT.bos(header);
        Set<Integer> special = controlIds(header);
        try (DecoderModel model = DecoderModel.load(gguf, root)) {
            LoraAdapter adapter = randomAdapter(model, 5);
            Path file = dir.resolve("adapter.gguf");
            adapter.write(file);
            model.setLora(LoraAdapter.read(file), 0f);
            assertEquals(adapter, model.toLoraAdapter(LoraProvenance.none()), "DJL weights round-trip the record");
            int changed = 0;
            try (LlamaCppReference adapted = new LlamaCppReference(gguf, file, bos, 2);
                    LlamaCppReference base = new LlamaCppReference(gguf, bos, 2)) {
                for (String prompt : ForwardMatchesLlamaCppIT.PROMPTS) {
                    String expected = adapted.greedyContinuation(prompt, CONTINUATION);
                    assertEquals(expected, djlContinuation(model, adapted, prompt, special), "after: " + prompt);
                    if (!expected.equals(base.greedyContinuation(prompt, CONTINUATION))) {
                        changed++;
                    }
                }
            }
            System.out.println("greedy continuations equal with the adapter; the adapter changed " + changed + " of "
                    + ForwardMatchesLlamaCppIT.PROMPTS.size());
            assertTrue(changed > 0, "llama.cpp ignored the adapter, so the comparison means nothing");
        }
    }

    @Test
    void theDjlForwardWithLoraMatchesLlamaCppOnTheMergedWeights() throws Exception {
        Path gguf = TestModels.tiny();
        try (DecoderModel model = DecoderModel.load(gguf, root)) {
            LoraAdapter adapter = randomAdapter(model, 6);
            Path merged = dir.resolve("merged.gguf");
            LoraMerge.write(gguf, List.of(new ScaledLora(adapter, 1f)), merged);
            GgufFile header = GgufFile.read(merged);
            int bos = ForwardMatchesLlamaCppIT.bos(header);
            model.setLora(adapter, 0f);
            double withAdapter;
            double withoutAdapter;
            try (LlamaCppReference ref = new LlamaCppReference(merged, bos, 2)) {
                withAdapter = ForwardMatchesLlamaCppIT.maxDifference(model, ref, ForwardMatchesLlamaCppIT.PROMPTS,
                        1e-3f);
                model.clearLora();
                withoutAdapter = ForwardMatchesLlamaCppIT.maxDifference(model, ref,
                        ForwardMatchesLlamaCppIT.PROMPTS, Float.MAX_VALUE);
            }
            assertTrue(withAdapter < ForwardMatchesLlamaCppIT.TOLERANCE_F32, "with adapter: " + withAdapter);
            assertTrue(withoutAdapter > 100 * ForwardMatchesLlamaCppIT.TOLERANCE_F32,
                    "the adapter must matter for the comparison to mean anything: " + withoutAdapter);
        }
    }
}

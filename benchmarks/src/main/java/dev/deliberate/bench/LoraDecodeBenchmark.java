package dev.deliberate.bench;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.lora.LoraAdapter;
import dev.deliberate.gguf.lora.LoraProvenance;
import dev.deliberate.gguf.lora.LoraWeights;
import dev.deliberate.llama.LlamaOptions;
import dev.deliberate.llama.LoraAdapterFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Decode speed with a LoRA adapter against without, through llama.cpp, in the same process: the BENCH model opened
 * twice as a {@code ReasoningModel}, once plain and once with a rank-{@code R} adapter on the q and v projections of
 * every block (llama.cpp then computes {@code W x + s B (A x)} for those 32 matrices on every token). Runs alternate
 * which model goes first; each run has its own prompt; one answer stream without thinking, same sampling and seed.
 * Decode rate = {@code Timings.decodeTokensPerSecond} (tokens after the first over the time from the first to the
 * last). Prints the medians and the ratio with/without (issue #13: >= 0.95).
 *
 * <p>Run: see docs/benchmarks.md, section "Decode with a LoRA adapter".
 */
public final class LoraDecodeBenchmark {

    private LoraDecodeBenchmark() {}

    /**
     * @param args {@code [model.gguf|-] [repetitions] [tokens] [rank] [threads]}; without a model the BENCH test
     *             model is generated into {@code target/bench-models/}
     */
    public static void main(String[] args) throws IOException {
        Path model = args.length > 0 && !args[0].equals("-") ? Path.of(args[0]) : DecodeBenchmark.benchModel();
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int rank = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : Runtime.getRuntime().availableProcessors();
        Path adapter = adapter(model, rank);
        System.out.printf(Locale.ROOT, "model %s, adapter %s (rank %d on attn_q and attn_v), %d repetitions of %d"
                + " tokens, %d threads%n", model, adapter, rank, reps, tokens, threads);
        LlamaOptions plain = new LlamaOptions(threads, 2048, 0);
        try (ReasoningModel base = ReasoningModels.open(ModelLocator.file(model), ModelOptions.defaults().with(plain));
                ReasoningModel adapted = ReasoningModels.open(ModelLocator.file(model), ModelOptions.defaults()
                        .with(plain.withLoraAdapters(List.of(LoraAdapterFile.of(adapter)))))) {
            System.out.println("adapter in provenance: " + adapted.info().adapters());
            run(base, "warm-up B", tokens);
            run(adapted, "warm-up A", tokens);
            List<Double> b = new ArrayList<>();
            List<Double> a = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                boolean baseFirst = r % 2 == 0;
                for (int k = 0; k < 2; k++) {
                    if (baseFirst == (k == 0)) {
                        b.add(run(base, "B" + r, tokens));
                        System.out.printf(Locale.ROOT, "rep %d base    %6.1f tok/s%n", r, b.get(b.size() - 1));
                    } else {
                        a.add(run(adapted, "A" + r, tokens));
                        System.out.printf(Locale.ROOT, "rep %d adapter %6.1f tok/s%n", r, a.get(a.size() - 1));
                    }
                }
            }
            double mb = median(b);
            double ma = median(a);
            System.out.printf(Locale.ROOT, "%nmedian decode rate: without adapter %.1f tok/s, with adapter %.1f tok/s,"
                    + " ratio with/without %.3f (goal >= 0.95)%n", mb, ma, ma / mb);
        }
        System.exit(0); // llama.cpp's native threads
    }

    private static double run(ReasoningModel m, String tag, int tokens) {
        Reasoning r = m.reason(ReasoningRequest.builder()
                .user("Run " + tag + ": explain step by step why the sky is blue, then answer in one sentence.")
                .thinkingBudget(ThinkingBudget.none()).answerMaxTokens(tokens)
                .sampling(Sampling.defaults().withSeed(42)).build());
        return r.timings().decodeTokensPerSecond();
    }

    /** A random rank-{@code rank} adapter on q and v of every block, written beside the model once. */
    private static Path adapter(Path model, int rank) throws IOException {
        Path file = model.resolveSibling(model.getFileName().toString().replace(".gguf", "") + "-lora-qv-r" + rank
                + ".gguf");
        if (Files.isRegularFile(file)) {
            return file;
        }
        Random rnd = new Random(7);
        Map<String, LoraWeights> w = new TreeMap<>();
        for (GgufTensorInfo t : GgufFile.read(model).tensors()) {
            if (t.name().endsWith("attn_q.weight") || t.name().endsWith("attn_v.weight")) {
                int in = (int) (long) t.shape().get(0);
                int out = (int) (long) t.shape().get(1);
                float[] a = new float[in * rank];
                float[] b = new float[rank * out];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) rnd.nextGaussian() * 0.02f;
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) rnd.nextGaussian() * 0.02f;
                }
                w.put(t.name(), new LoraWeights(in, out, rank, a, b));
            }
        }
        new LoraAdapter("qwen2", 2f * rank, rank, w, LoraProvenance.none()).write(file);
        return file;
    }

    private static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }
}

package dev.deliberate.bench;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import de.kherud.llama.args.LogFormat;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.llama.LlamaOptions;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Reasoning decode speed: the SDK ({@code ReasoningModel} with a thinking budget, so every run includes the SDK's
 * thinking-to-answer switch) against llama.cpp driven directly through the same binding (one plain generation of
 * the same number of tokens), in the same process, interleaved, on the BENCH test model.
 *
 * <p>Both sides: same model file, threads, context, sampling and seed; prompt rendered with the model's template;
 * decode rate = generated tokens after the first / time from the first to the last token; time to first token from
 * the call (the SDK's includes its prompt rendering and checks; the direct one includes template rendering).
 * Each run has its own prompt, so no run finds its prompt in the cache.
 *
 * <p>Run: see docs/benchmarks.md, section "Reasoning decode".
 */
public final class DecodeBenchmark {

    private DecodeBenchmark() {}

    /** One measured run. */
    record Run(double ttftMs, double decodeRate, int tokens, double switchGapMs, double interTokenMs,
            double medianGapMs) { }

    /**
     * @param args {@code [model.gguf] [repetitions] [thinking tokens] [answer tokens] [threads]}; without a model
     *             the BENCH test model is generated into {@code target/bench-models/}
     */
    public static void main(String[] args) throws IOException {
        Path model = args.length > 0 && !args[0].equals("-") ? Path.of(args[0]) : benchModel();
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int thinking = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int answer = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : Runtime.getRuntime().availableProcessors();
        int context = 2048;
        System.out.printf(Locale.ROOT, "model %s, %d repetitions, %d thinking + %d answer tokens, %d threads%n",
                model, reps, thinking, answer, threads);

        try (ReasoningModel sdk = ReasoningModels.open(ModelLocator.file(model),
                ModelOptions.defaults().with(new LlamaOptions(threads, context, 0)))) {
            // the SDK has loaded the native library and routed its log; the direct model shares that setup
            LlamaModel direct = new LlamaModel(new ModelParameters().setModel(model.toString()).setCtxSize(context)
                    .setThreads(threads).setThreadsBatch(threads).setParallel(1).enableJinja()
                    .disableContextShift().disableLog());
            LlamaModel.setLogger(LogFormat.TEXT, (level, msg) -> { });
            try {
                runSdk(sdk, "warm-up S", thinking, answer);
                runDirect(direct, "warm-up D", thinking + answer, false);
                System.out.println("\nA. one stream, no switch: budget 0, " + (thinking + answer)
                        + " answer tokens (direct: the same prompt with the empty thinking block)");
                measure(sdk, direct, reps, 0, thinking + answer);
                System.out.println("\nB. thinking budget " + thinking + " then " + answer
                        + " answer tokens: includes the SDK's thinking-to-answer switch (direct: one plain generation"
                        + " of the same number of tokens)");
                measure(sdk, direct, reps, thinking, answer);
            } finally {
                direct.close();
            }
        }
        // the direct LlamaModel's native thread is not the SDK's to manage: end the JVM explicitly
        System.exit(0);
    }

    private static void measure(ReasoningModel sdk, LlamaModel direct, int reps, int thinking, int answer) {
                List<Run> sdkRuns = new ArrayList<>();
                List<Run> directRuns = new ArrayList<>();
                for (int r = 0; r < reps; r++) {
                    boolean sdkFirst = r % 2 == 0;
                    for (int k = 0; k < 2; k++) {
                        if (sdkFirst == (k == 0)) {
                            Run s = runSdk(sdk, "S" + thinking + "-" + r, thinking, answer);
                            sdkRuns.add(s);
                            print("sdk   ", r, s);
                        } else {
                            Run d = runDirect(direct, "D" + thinking + "-" + r, thinking + answer, thinking == 0);
                            directRuns.add(d);
                            print("direct", r, d);
                        }
                    }
                }
                double sRate = median(sdkRuns.stream().map(Run::decodeRate).toList());
                double dRate = median(directRuns.stream().map(Run::decodeRate).toList());
                double sTtft = median(sdkRuns.stream().map(Run::ttftMs).toList());
                double dTtft = median(directRuns.stream().map(Run::ttftMs).toList());
                double gap = median(sdkRuns.stream().map(Run::switchGapMs).toList());
                double inter = median(sdkRuns.stream().map(Run::interTokenMs).toList());
                System.out.printf(Locale.ROOT, "%nmedian decode rate: sdk %.1f tok/s, direct %.1f tok/s, ratio sdk/direct"
                        + " %.3f (goal >= 0.95)%n", sRate, dRate, sRate / dRate);
                System.out.printf(Locale.ROOT, "median time to first token: sdk %.1f ms, direct %.1f ms, difference"
                        + " %+.1f ms (goal <= 5 ms)%n", sTtft, dTtft, sTtft - dTtft);
                if (thinking > 0) {
                    System.out.printf(Locale.ROOT, "thinking-to-answer switch (last thinking token to first answer"
                            + " token): median %.1f ms, against %.1f ms between ordinary tokens%n", gap, inter);
                    // load-robust view: each run's switch in units of that run's own median gap between tokens,
                    // and the decode ratio that switch alone would give against one plain stream of as many tokens
                    List<Double> inGaps = sdkRuns.stream().map(x -> x.switchGapMs() / x.medianGapMs()).toList();
                    int n = thinking + answer;
                    List<Double> implied = inGaps.stream().map(g -> (n - 1) / (n - 2 + g)).toList();
                    System.out.printf(Locale.ROOT, "switch in token gaps of the same run: %s (median %.2f); decode"
                            + " ratio the switch alone implies: median %.3f, min %.3f%n", inGaps.stream()
                            .map(g -> String.format(Locale.ROOT, "%.2f", g)).toList(), median(inGaps),
                            median(implied), implied.stream().mapToDouble(Double::doubleValue).min().orElse(0));
                }
    }

    private static Run runSdk(ReasoningModel sdk, String tag, int thinking, int answer) {
        long[] lastThinking = {0};
        long[] firstAnswer = {0};
        List<Long> pieces = new ArrayList<>();
        ReasoningRequest request = ReasoningRequest.builder().user(question(tag))
                .thinkingBudget(ThinkingBudget.tokens(thinking)).answerMaxTokens(answer)
                .sampling(Sampling.defaults().withSeed(42)).build();
        if (thinking == 0) {
            request = request.toBuilder().thinkingBudget(ThinkingBudget.none()).build();
        }
        Reasoning r = sdk.start(request, e -> {
            if (e instanceof ReasoningEvent.ThinkingDelta) {
                lastThinking[0] = System.nanoTime();
                pieces.add(lastThinking[0]);
            } else if (e instanceof ReasoningEvent.AnswerDelta) {
                long now = System.nanoTime();
                if (firstAnswer[0] == 0) {
                    firstAnswer[0] = now;
                }
                pieces.add(now);
            }
        }).join();
        int tokens = r.usage().generatedTokens();
        double rate = r.timings().decodeTokensPerSecond();
        double switchGap = lastThinking[0] == 0 ? 0 : (firstAnswer[0] - lastThinking[0]) / 1e6;
        List<Double> gaps = new ArrayList<>();
        for (int i = 1; i < pieces.size(); i++) {
            if (pieces.get(i) != firstAnswer[0] || lastThinking[0] == 0) {
                gaps.add((pieces.get(i) - pieces.get(i - 1)) / 1e6);
            }
        }
        return new Run(r.timings().timeToFirstToken().toNanos() / 1e6, rate, tokens, switchGap, 1000 / rate,
                gaps.isEmpty() ? 0 : median(gaps));
    }

    private static Run runDirect(LlamaModel direct, String tag, int tokens, boolean emptyThinking) {
        long t0 = System.nanoTime();
        String prompt = direct.applyTemplate(new InferenceParameters("")
                .setMessages(null, List.of(new Pair<>("user", question(tag)))));
        if (emptyThinking) {
            prompt += "\n</think>\n\n"; // what the SDK sends for a zero thinking budget
        }
        InferenceParameters p = new InferenceParameters(prompt).setNPredict(tokens).setCachePrompt(true)
                .setTemperature(0.6f).setTopP(0.95f).setTopK(0).setMinP(0f).setSeed(42);
        long first = 0;
        long last = 0;
        int pieces = 0;
        boolean lastEmpty = false;
        var it = direct.generate(p).iterator();
        while (it.hasNext()) {
            LlamaOutput o = it.next();
            if (!it.hasNext()) {
                break; // the stream's final response carries no token
            }
            long now = System.nanoTime();
            lastEmpty = o.text.isEmpty();
            if (first == 0) {
                first = now;
            }
            last = now;
            pieces++;
        }
        // llama.cpp stops at n_predict exactly (a piece may merge several tokens), unless the model ends its text
        // first: the end-of-text token streams as an empty piece. The SDK counts both cases the same way.
        int generated = pieces < tokens && !lastEmpty ? tokens : pieces;
        double rate = (generated - 1) / ((last - first) / 1e9);
        return new Run((first - t0) / 1e6, rate, generated, 0, 1000 / rate, 1000 / rate);
    }

    private static String question(String tag) {
        return "Run " + tag + ": explain step by step why the sky is blue, then answer in one sentence.";
    }

    private static void print(String who, int rep, Run r) {
        System.out.printf(Locale.ROOT, "rep %d %s: ttft %7.1f ms, decode %6.1f tok/s, %d tokens%s%n", rep, who,
                r.ttftMs(), r.decodeRate(), r.tokens(),
                r.switchGapMs() > 0 ? String.format(Locale.ROOT, ", switch %.1f ms", r.switchGapMs()) : "");
    }

    private static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    /** The BENCH test model, generated into {@code target/bench-models/} on first use (shared with ServeBenchmark). */
    static Path benchModel() throws IOException {
        Path file = Path.of("target", "bench-models", "bench-" + TestModelGenerator.DEFAULT_SEED + ".gguf");
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(file.getParent());
            System.out.println("generating the BENCH test model into " + file + " ...");
            Path tmp = Files.createTempFile(file.getParent(), "bench", ".part");
            TestModelGenerator.of(TestModelPreset.BENCH, TestModelGenerator.DEFAULT_SEED).writeGguf(tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }
}

package dev.deliberate.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;
import dev.deliberate.adapt.model.DecoderModel;
import dev.deliberate.adapt.model.ForwardMode;
import dev.deliberate.gguf.GgufFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Prompt processing speed of the DJL forward pass ({@code deliberate-adapt}, PyTorch engine, CPU) against llama.cpp
 * on the same model and the same tokens, in one process, interleaved.
 *
 * <p>llama.cpp: one completion of 1 token with the prompt cache off, so every run processes the whole prompt
 * (its time includes that one decoded token). DJL: {@code hiddenStates} (the work of prompt processing: every
 * position through every block, output head only for the last position, as llama.cpp does) and {@code logits}
 * (the head on every position, as a training step needs). Same threads on both sides.
 *
 * <p>Run: see docs/benchmarks.md, section "DJL forward pass against llama.cpp".
 */
public final class AdaptForwardBenchmark {

    private AdaptForwardBenchmark() {}

    /**
     * @param args {@code [model.gguf|-] [tokens] [repetitions] [threads]}; without a model the BENCH test model is
     *             generated into {@code target/bench-models/}
     */
    public static void main(String[] args) throws Exception {
        Path model = args.length > 0 && !args[0].equals("-") ? Path.of(args[0]) : DecodeBenchmark.benchModel();
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        GgufFile header = GgufFile.read(model);
        int bos = (int) header.getInteger("tokenizer.ggml.bos_token_id").orElseThrow();

        Path natives = Path.of(System.getProperty("de.kherud.llama.tmpdir", "target/llama-native"));
        Files.createDirectories(natives);
        System.setProperty("de.kherud.llama.tmpdir", natives.toString());
        LlamaModel.setLogger(LogFormat.TEXT, (level, msg) -> { });
        try (NDManager root = NDManager.newBaseManager();
                DecoderModel djl = DecoderModel.load(model, root);
                LlamaModel llama = new LlamaModel(new ModelParameters().setModel(model.toString())
                        .setCtxSize(Math.max(512, tokens + 16)).setBatchSize(Math.max(512, tokens + 16))
                        .setThreads(threads).setThreadsBatch(threads).setParallel(1).disableLog())) {
            String text = promptOf(llama, tokens - 1);
            int[] body = llama.encode(text);
            int[] ids = new int[body.length + 1];
            ids[0] = bos;
            System.arraycopy(body, 0, ids, 1, body.length);
            System.out.printf(Locale.ROOT, "model %s (%s, hidden %d, %d layers), %d tokens, %d repetitions, "
                    + "%d threads%n", model, djl.config().architecture(), djl.config().hiddenSize(),
                    djl.config().layers(), ids.length, reps, threads);

            List<Double> llamaMs = new ArrayList<>();
            List<Double> hiddenMs = new ArrayList<>();
            List<Double> logitsMs = new ArrayList<>();
            runLlama(llama, text);
            runDjl(root, djl, ids, false);
            for (int r = 0; r < reps; r++) {
                llamaMs.add(runLlama(llama, text));
                hiddenMs.add(runDjl(root, djl, ids, false));
                logitsMs.add(runDjl(root, djl, ids, true));
                System.out.printf(Locale.ROOT, "run %d: llama.cpp %.0f ms, DJL hidden states %.0f ms, DJL all "
                        + "logits %.0f ms%n", r + 1, llamaMs.get(r), hiddenMs.get(r), logitsMs.get(r));
            }
            double l = median(llamaMs);
            double h = median(hiddenMs);
            double g = median(logitsMs);
            System.out.printf(Locale.ROOT, "%nmedian prompt processing: llama.cpp %.1f tok/s, DJL %.1f tok/s "
                    + "(hidden states), %.1f tok/s (logits at every position)%n", ids.length * 1000 / l,
                    ids.length * 1000 / h, ids.length * 1000 / g);
            System.out.printf(Locale.ROOT, "ratio DJL/llama.cpp: %.2f (hidden states), %.2f (all logits)%n", l / h,
                    l / g);
        }
        System.exit(0); // the binding leaves a non-daemon thread behind
    }

    /** A text of at least {@code tokens} tokens for this model's tokenizer, cut at a word boundary. */
    private static String promptOf(LlamaModel llama, int tokens) {
        String sentence = "The scan shows a small nodule in the upper lobe, and the robot arm moves the cup to the "
                + "shelf while the table of totals grows by odd numbers. ";
        StringBuilder text = new StringBuilder();
        while (llama.encode(text.toString()).length < tokens) {
            text.append(sentence);
        }
        String[] words = text.toString().split(" ");
        StringBuilder cut = new StringBuilder();
        for (String w : words) {
            String next = cut.length() == 0 ? w : cut + " " + w;
            if (llama.encode(next).length > tokens) {
                break;
            }
            cut.setLength(0);
            cut.append(next);
        }
        return cut.toString();
    }

    private static double runLlama(LlamaModel llama, String text) {
        long t0 = System.nanoTime();
        llama.complete(new InferenceParameters(text).setNPredict(1).setTemperature(0f).setCachePrompt(false));
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double runDjl(NDManager root, DecoderModel djl, int[] ids, boolean allLogits) {
        long t0 = System.nanoTime();
        try (NDManager step = root.newSubManager()) {
            NDArray input = step.create(ids).reshape(1, ids.length);
            NDArray out = allLogits ? djl.logits(input, ForwardMode.INFERENCE)
                    : djl.hiddenStates(input, null, ForwardMode.INFERENCE);
            out.get(new NDIndex("0, -1, 0")).getFloat(); // wait for the result
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

package dev.deliberate.bench;

import ai.djl.ndarray.NDManager;
import dev.deliberate.adapt.model.LoraConfig;
import dev.deliberate.adapt.train.Checkpointing;
import dev.deliberate.adapt.train.Trainer;
import dev.deliberate.adapt.train.TrainingBudget;
import dev.deliberate.adapt.train.TrainingConfig;
import dev.deliberate.adapt.train.TrainingExample;
import dev.deliberate.adapt.train.TrainingListener;
import dev.deliberate.adapt.train.TrainingMode;
import dev.deliberate.adapt.train.TrainingResult;
import dev.deliberate.adapt.train.TrainingSet;
import dev.deliberate.gguf.GgmlType;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import dev.deliberate.testmodel.TestModelSpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Training throughput and peak memory of {@code dev.deliberate.adapt.train} per model size, with the reference
 * measured in the same run: the forward pass alone (DJL, inference mode, same batches), so the ratio says what a
 * training step costs over a forward pass (backward plus optimizer; about 3x is the textbook figure). Peak memory is
 * the process's peak resident set (Linux {@code VmHWM}, reset before each size) above the resident set before the
 * model was loaded, next to {@link dev.deliberate.adapt.train.MemoryEstimate}'s up-front estimate.
 *
 * <p>Sizes: {@code tiny} (the TINY test preset, 140 k parameters) and {@code small} (a generated spec: hidden 256, 4
 * layers, 8 heads, FFN 704, vocabulary 8,000, F32; 6 M parameters). LoRA rank 8 on q, k, v, o and, for tiny, also
 * every weight.
 *
 * <p>Run: {@code ./mvnw -q -B -pl benchmarks -am package -DskipTests dependency:build-classpath
 * -Dmdep.outputFile=target/classpath.txt && java -cp "benchmarks/target/classes:$(cat
 * benchmarks/target/classpath.txt)" dev.deliberate.bench.TrainingBenchmark [steps] [threads] [sizes...]}
 */
public final class TrainingBenchmark {

    private static int threads;

    private TrainingBenchmark() {
    }

    /**
     * @param args optional steps per measurement (default 8), intra-op threads (default 0: half the cores), then sizes
     *             ({@code tiny}, {@code small}; default both)
     * @throws IOException if the temporary directory cannot be written
     */
    public static void main(String[] args) throws IOException {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        threads = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        List<String> sizes = args.length > 2 ? List.of(args).subList(2, args.length) : List.of("tiny", "small");
        Path dir = Files.createTempDirectory("deliberate-train-bench");
        try (NDManager warm = NDManager.newBaseManager()) {
            warm.ones(new ai.djl.ndarray.types.Shape(4)).sum().getFloat(); // libtorch loaded before any baseline
        }
        System.out.printf(Locale.ROOT, "load average %.2f on %d cores; %d steps, batch 4, LoRA rank 8 (q,k,v,o),"
                + " %d intra-op threads%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors(), steps, TrainingConfig.builder().threads(threads).build()
                        .effectiveThreads());
        for (String size : sizes) {
            Path model = dir.resolve(size + ".gguf");
            TestModelGenerator gen = switch (size) {
                case "tiny" -> TestModelGenerator.of(TestModelPreset.TINY, 42);
                case "small" -> new TestModelGenerator(new TestModelSpec("deliberate-bench-train", 256, 4, 8, 2, 704,
                        8000, 200, 2048, GgmlType.F32), 42);
                default -> throw new IllegalArgumentException("size must be tiny or small: " + size);
            };
            long parameters = gen.writeGguf(model).parameterCount();
            measure(size, parameters, model, TrainingMode.LORA, steps);
            if (size.equals("tiny")) {
                measure(size, parameters, model, TrainingMode.FULL, steps);
            }
        }
    }

    private static void measure(String size, long parameters, Path model, TrainingMode mode, int steps) {
        TrainingConfig config = TrainingConfig.builder().mode(mode).lora(LoraConfig.attention(8)).batchSize(4)
                .learningRate(mode == TrainingMode.FULL ? 1e-3f : 1e-2f).maxSequenceLength(256)
                .budget(TrainingBudget.steps(steps)).threads(threads).build();
        TrainingSet data = data();
        resetPeaks();
        long baseline = status("VmRSS:");
        try (Trainer trainer = Trainer.open(model, config)) {
            trainer.evaluate(data); // warm-up: first forward pass
            long t0 = System.nanoTime();
            trainer.evaluate(data);
            double forwardSeconds = (System.nanoTime() - t0) / 1e9;
            long tokens = 0;
            for (var e : trainer.encoder().encode(data)) {
                tokens += e.length();
            }
            double forward = tokens / forwardSeconds;
            TrainingResult result = trainer.train(data, Optional.empty(), Checkpointing.none(),
                    TrainingListener.NONE);
            long peak = status("VmHWM:") - baseline;
            long heap = heapPeak();
            System.out.printf(Locale.ROOT, "%-5s %-4s %,11d params: train %,8.0f tok/s, forward %,8.0f tok/s,"
                    + " train/forward %.2f; loss %.2f -> %.2f; peak RSS +%,d MiB (estimate %,d MiB, measured/estimate"
                    + " %.2f), heap peak %,d MiB%n", size, mode.name().toLowerCase(Locale.ROOT), parameters,
                    result.tokensPerSecond(), forward, result.tokensPerSecond() / forward, result.losses().get(0),
                    result.lastLoss().orElseThrow(), peak >> 20, trainer.memoryEstimate().nativeBytes() >> 20,
                    peak / (double) trainer.memoryEstimate().nativeBytes(), heap >> 20);
        }
    }

    /** 16 short arithmetic examples with thinking, about as long as a short domain question. */
    private static TrainingSet data() {
        List<TrainingExample> out = new ArrayList<>();
        String[] words = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
        for (int i = 0; i < 16; i++) {
            int a = i % 10;
            int b = (i * 7 + 3) % 10;
            out.add(TrainingExample.of("What is " + words[a] + " plus " + words[b] + "? Answer with a number.",
                    "Let me think about this problem carefully. " + words[a] + " plus " + words[b] + " is "
                            + (a + b) + ".", "The answer is " + (a + b) + "."));
        }
        return TrainingSet.of("arithmetic", out);
    }

    /** Resets the kernel's peak resident set of this process (Linux 4.0+) and the heap pools' peaks. */
    private static void resetPeaks() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | UnsupportedOperationException e) {
            System.out.println("(cannot reset the peak resident set: " + e.getMessage() + ")");
        }
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    private static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** A {@code kB} line of /proc/self/status, in bytes. */
    private static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).replace("kB", "").trim()) * 1024;
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }
}

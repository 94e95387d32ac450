package dev.deliberate.bench;

import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.GgufTensorReader;
import dev.deliberate.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Times {@link GgufTensorReader#readFloats} per element type against a plain F32 read of the same number of values
 * in the same run (files in the page cache, so this is decoding speed, not disk speed), and {@link GgufWriter}'s
 * quantizers against writing F32.
 *
 * <p>For each type one tensor of 4096 x 2048 values (8M, 32 MiB as F32; a large model matrix) is written once and
 * read {@code repetitions} times; the best time counts. Decoding is reported as MB/s of floats produced (4 bytes per
 * value) and as a ratio to the F32 read.
 *
 * <p>Run: {@code ./mvnw -q -B -pl benchmarks -am package -DskipTests && java -cp
 * "benchmarks/target/classes:$(...)" dev.deliberate.bench.DequantizeBenchmark [repetitions]}; see
 * docs/benchmarks.md.
 */
public final class DequantizeBenchmark {
    private static final List<GgmlType> TYPES = List.of(GgmlType.F32, GgmlType.F16, GgmlType.Q8_0,
            GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K,
            GgmlType.Q5_K, GgmlType.Q6_K);
    private static final long ROW = 4096;
    private static final long ROWS = 2048;

    private DequantizeBenchmark() {
    }

    /**
     * @param args optional number of repetitions (default 5)
     * @throws IOException if the temporary directory cannot be written
     */
    public static void main(String[] args) throws IOException {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int n = (int) (ROW * ROWS);
        float[] values = new float[n];
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            values[i] = (float) (rnd.nextDouble() + rnd.nextDouble() + rnd.nextDouble() - 1.5) * 0.04f;
        }
        Path dir = Files.createTempDirectory("deliberate-dequant");
        try {
            double f32Read = 0;
            double f32Write = 0;
            System.out.printf(Locale.ROOT, "%-5s %9s %10s %9s %12s %9s%n", "type", "file MB", "read MB/s",
                    "vs F32", "write MB/s", "vs F32");
            for (GgmlType type : TYPES) {
                Path file = dir.resolve(type + ".gguf");
                GgufWriter w = new GgufWriter().tensor("w", type, List.of(ROW, ROWS),
                        sink -> sink.accept(values, 0, n));
                double write = Double.MAX_VALUE;
                for (int r = 0; r < 2; r++) { // the first write warms the JIT
                    long t0 = System.nanoTime();
                    w.write(file);
                    write = Math.min(write, (System.nanoTime() - t0) / 1e9);
                }
                GgufFile header = GgufFile.read(file);
                GgufTensorInfo t = header.tensor("w").orElseThrow();
                double read = Double.MAX_VALUE;
                float sink = 0;
                try (GgufTensorReader reader = GgufTensorReader.open(file, header)) {
                    for (int r = 0; r < reps + 1; r++) { // the first read warms the page cache and the JIT
                        long t0 = System.nanoTime();
                        float[] back = reader.readFloats(t);
                        double s = (System.nanoTime() - t0) / 1e9;
                        sink += back[r];
                        if (r > 0) {
                            read = Math.min(read, s);
                        }
                    }
                }
                double mbs = 4.0 * n / 1e6 / read;
                double wmbs = 4.0 * n / 1e6 / write;
                if (type == GgmlType.F32) {
                    f32Read = mbs;
                    f32Write = wmbs;
                }
                System.out.printf(Locale.ROOT, "%-5s %9.1f %10.0f %9.2f %12.0f %9.3f%s%n", type,
                        Files.size(file) / 1e6, mbs, mbs / f32Read, wmbs, wmbs / f32Write, sink == 42 ? " " : "");
                Files.delete(file);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}

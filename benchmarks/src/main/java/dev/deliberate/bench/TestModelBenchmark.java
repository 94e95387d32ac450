package dev.deliberate.bench;

import dev.deliberate.gguf.GgufFile;
import dev.deliberate.testmodel.GeneratedTestModel;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Times the test model generator and the GGUF header reader against the machine's own floors, measured in the
 * same run:
 * <ul>
 *   <li>generating the BENCH model (246M parameters, Q8_0) versus writing the same number of bytes from memory;
 *   <li>reading its GGUF header (32,000 tokens, 195 tensors) versus reading the same bytes raw.
 * </ul>
 * Run: {@code ./mvnw -q -B -pl benchmarks -am package -DskipTests && java -cp "benchmarks/target/classes:$(...)"
 * dev.deliberate.bench.TestModelBenchmark [repetitions]}; see docs/test-models.md.
 */
public final class TestModelBenchmark {
    private TestModelBenchmark() {
    }

    /**
     * @param args optional number of repetitions (default 3); the best of them is reported
     * @throws IOException if the temporary directory cannot be written
     */
    public static void main(String[] args) throws IOException {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path dir = Files.createTempDirectory("deliberate-bench");
        try {
            Path model = dir.resolve("bench.gguf");
            Path raw = dir.resolve("raw.bin");
            TestModelGenerator gen = TestModelGenerator.of(TestModelPreset.BENCH, TestModelGenerator.DEFAULT_SEED);
            long size = 0;
            double bestGen = Double.MAX_VALUE;
            double bestWrite = Double.MAX_VALUE;
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                GeneratedTestModel m = gen.writeGguf(model);
                bestGen = Math.min(bestGen, (System.nanoTime() - t0) / 1e9);
                size = m.sizeBytes();
                long t1 = System.nanoTime();
                writeRaw(raw, size);
                bestWrite = Math.min(bestWrite, (System.nanoTime() - t1) / 1e9);
                Files.delete(raw);
            }
            System.out.printf(Locale.ROOT, "generate BENCH (%,d bytes): %.2f s; raw write of the same size: %.2f s;"
                    + " ratio %.1f%n", size, bestGen, bestWrite, bestGen / bestWrite);

            GgufFile header = GgufFile.read(model);
            int headerBytes = (int) header.dataOffset();
            double bestRead = Double.MAX_VALUE;
            double bestRaw = Double.MAX_VALUE;
            for (int r = 0; r < 20; r++) {
                long t0 = System.nanoTime();
                GgufFile.read(model);
                bestRead = Math.min(bestRead, (System.nanoTime() - t0) / 1e6);
                long t1 = System.nanoTime();
                readRaw(model, headerBytes);
                bestRaw = Math.min(bestRaw, (System.nanoTime() - t1) / 1e6);
            }
            System.out.printf(Locale.ROOT, "read BENCH header (%,d bytes, %d keys, %d tensors): %.2f ms; raw read: "
                    + "%.2f ms; ratio %.1f%n", headerBytes, header.metadata().size(), header.tensors().size(),
                    bestRead, bestRaw, bestRead / bestRaw);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void writeRaw(Path file, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long done = 0; done < size; ) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), size - done));
                done += buf.limit();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
        }
    }

    private static void readRaw(Path file, int bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(bytes);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // keep reading
            }
        }
    }
}

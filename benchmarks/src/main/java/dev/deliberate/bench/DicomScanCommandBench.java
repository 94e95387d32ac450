package dev.deliberate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code deliberate dicom scan} as a whole command (JVM start, class loading, walk, reads, JSON output) against
 * pydicom's {@code dcmread(stop_before_pixels=True)} loop over the same generated tree, in the same run.
 *
 * <pre>
 * ./deliberate --version   # builds the cli jar once
 * ./mvnw -q -B -pl benchmarks -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" dev.deliberate.bench.DicomScanCommandBench [FILES] [ROUNDS]
 * </pre>
 *
 * Run from the repository root. Writes FILES CT-like files (default 5000, see {@link DicomHeaderScanBench#generate}),
 * runs one untimed {@code ./deliberate dicom scan} (it makes the launcher's class-data archive when missing), then
 * ROUNDS (default 9) interleaved rounds of: the launcher; the launcher with {@code DELIBERATE_NO_CDS=1} (plain JVM
 * flags, as before the archive); pydicom's loop (its own timing, interpreter start and walk excluded, as in
 * {@code pydicom_scan.py}). Prints the median, minimum and maximum of each and the ratios of the medians; the tree is
 * deleted at the end.
 */
public final class DicomScanCommandBench {

    private DicomScanCommandBench() {}

    /** @param args optional: number of generated files (default 5000), rounds (default 9) */
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        Path launcher = Path.of("deliberate").toAbsolutePath();
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException("run from the repository root: " + launcher + " not found");
        }
        Path tree = Files.createTempDirectory("deliberate-scan-cmd-bench");
        Path script = Files.createTempFile("pydicom_scan", ".py");
        try (InputStream in = DicomScanCommandBench.class.getResourceAsStream("pydicom_scan.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            DicomHeaderScanBench.generate(tree, count);
            List<String> scan = List.of(launcher.toString(), "dicom", "scan", tree.toString());
            command(scan, false); // makes the class-data archive if missing; warms the page cache
            double[][] t = new double[3][rounds];
            for (int r = 0; r < rounds; r++) {
                t[0][r] = command(scan, false);
                t[1][r] = command(scan, true);
                t[2][r] = pydicom(script, tree);
            }
            String[] labels = {"deliberate dicom scan", "  same, DELIBERATE_NO_CDS=1", "pydicom loop"};
            System.out.printf(Locale.ROOT, "dicom scan, whole command, %d files, %d rounds, %d cores, load %.1f%n",
                    count, rounds, Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            for (int i = 0; i < 3; i++) {
                double[] s = t[i].clone();
                Arrays.sort(s);
                System.out.printf(Locale.ROOT, "  %-28s median %6.3f s  min %6.3f  max %6.3f%n", labels[i],
                        median(t[i]), s[0], s[s.length - 1]);
            }
            System.out.printf(Locale.ROOT, "  ratio pydicom/deliberate %.1fx (without the archive and JIT flags %.1fx)%n",
                    median(t[2]) / median(t[0]), median(t[2]) / median(t[1]));
        } finally {
            Files.deleteIfExists(script);
            try (Stream<Path> s = Files.walk(tree)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    /** Seconds for the whole command; fails unless it exits 0 having read every file. */
    private static double command(List<String> cmd, boolean noCds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (noCds) {
            pb.environment().put("DELIBERATE_NO_CDS", "1");
        }
        long start = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        double s = (System.nanoTime() - start) / 1e9;
        JsonNode j = new ObjectMapper().readTree(out);
        if (code != 0 || j.get("errors").asLong() != 0) {
            throw new IllegalStateException("scan failed (" + code + "): " + out);
        }
        return s;
    }

    private static double pydicom(Path script, Path tree) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), tree.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("pydicom scan failed");
        }
        return new ObjectMapper().readTree(out).get("seconds").asDouble();
    }
}

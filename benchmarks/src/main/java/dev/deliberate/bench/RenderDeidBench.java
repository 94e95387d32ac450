package dev.deliberate.bench;

import dev.deliberate.medical.deid.DeidentificationPolicy;
import dev.deliberate.medical.deid.Deidentifier;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.render.DicomRenderer;
import dev.deliberate.medical.render.RenderOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Rendering and de-identification throughput of the SDK against pydicom (+numpy, GDCM/Pillow, PIL) doing the same
 * work in the same run: read a file, decode one frame, Modality + VOI LUT to 8 bits, encode PNG; and read a file,
 * apply the same generated PS3.15 action table (basic actions only), write it to memory.
 *
 * <pre>
 * ./mvnw -q -B -pl benchmarks -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" dev.deliberate.bench.RenderDeidBench [N]
 * </pre>
 *
 * Prints items/s for each and the ratio SDK/pydicom: median of three rounds of N iterations after a warm-up; the
 * Python time covers its loop only (not the interpreter start).
 */
public final class RenderDeidBench {
    private static final Path FILES = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    private RenderDeidBench() {}

    /** @param args optional: iterations per round (default 200) */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path dir = Files.createTempDirectory("deliberate-render-bench");
        Path script = dir.resolve("ref.py");
        Path tsv = dir.resolve("basic-profile.tsv");
        try (InputStream in = RenderDeidBench.class.getResourceAsStream("pydicom_render_deid.py");
                InputStream t = Deidentifier.class.getResourceAsStream("basic-profile.tsv")) {
            Files.copy(in, script);
            Files.copy(t, tsv);
        }
        try {
            System.out.printf(Locale.ROOT, "render to PNG (read + decode + LUTs + PNG), %d iterations%n", n);
            for (String name : List.of("CT_small.dcm", "MR_small_RLE.dcm", "SC_rgb_rle.dcm", "SC_rgb_jpeg_dcmtk.dcm")) {
                Path f = FILES.resolve(name);
                double sdk = median(() -> {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        DicomFile df = DicomReader.standard().read(f);
                        DicomRenderer.standard().toPng(DicomRenderer.standard().render(df, RenderOptions.defaults()));
                    }
                    return n / ((System.nanoTime() - t0) / 1e9);
                });
                double py = median(() -> python(script, "render", f, n, null));
                System.out.printf(Locale.ROOT, "  %-24s SDK %7.0f/s  pydicom %7.0f/s  ratio %.1fx%n", name, sdk, py,
                        sdk / py);
            }
            System.out.printf(Locale.ROOT, "de-identify (read + Basic Profile + write to memory), %d iterations%n",
                    n);
            Deidentifier deid = new Deidentifier(DeidentificationPolicy.basic("bench-salt-123456"));
            for (String name : List.of("CT_small.dcm", "test-SR.dcm", "rtplan.dcm")) {
                Path f = FILES.resolve(name);
                double sdk = median(() -> {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        DicomFile df = DicomReader.standard().read(f);
                        DicomWriter.standard().toBytes(deid.deidentify(df));
                    }
                    return n / ((System.nanoTime() - t0) / 1e9);
                });
                double py = median(() -> python(script, "deid", f, n, tsv));
                System.out.printf(Locale.ROOT, "  %-24s SDK %7.0f/s  pydicom %7.0f/s  ratio %.1fx%n", name, sdk, py,
                        sdk / py);
            }
        } finally {
            Files.deleteIfExists(script);
            Files.deleteIfExists(tsv);
            Files.deleteIfExists(dir);
        }
    }

    interface Round {
        double run() throws Exception;
    }

    private static double median(Round r) throws Exception {
        r.run(); // warm-up
        double[] v = new double[3];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.run();
        }
        Arrays.sort(v);
        return v[1];
    }

    private static double python(Path script, String mode, Path file, int n, Path tsv) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), mode, file.toString(),
                Integer.toString(n)));
        if (tsv != null) {
            cmd.add(tsv.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("pydicom reference failed: " + out);
        }
        String[] lines = out.split("\n");
        return Double.parseDouble(lines[lines.length - 1]);
    }
}

package dev.deliberate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomReadOptions;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.TransferSyntax;
import dev.deliberate.medical.dicom.VR;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * DICOM header scan throughput: the SDK's reader (stopBeforePixels) against pydicom
 * ({@code dcmread(stop_before_pixels=True)}) and DCMTK's dcmdump ({@code +sb 7fe0,0010 -M}), over the same trees in
 * the same run: the pydicom test-file tree and a generated tree of CT-like files written by the SDK's writer.
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" dev.deliberate.bench.DicomHeaderScanBench [FILES]
 * </pre>
 *
 * Prints files/s for each reader and the ratios SDK/pydicom and SDK/dcmdump: the median of five interleaved rounds
 * after three warm-up passes of the SDK; the generated tree is deleted at the end. pydicom's time covers its reads
 * only (not the interpreter start); dcmdump's includes its process start and formatting its output.
 */
public final class DicomHeaderScanBench {
    private static final Path PYDICOM_TREE = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    private DicomHeaderScanBench() {}

    /** @param args optional: number of generated files (default 3000) */
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        Path tree = Files.createTempDirectory("deliberate-scan-bench");
        try {
            generate(tree, count);
            System.out.printf(Locale.ROOT, "DICOM header scan, %d cores%n", Runtime.getRuntime().availableProcessors());
            if (Files.isDirectory(PYDICOM_TREE)) {
                measure("pydicom test files", PYDICOM_TREE);
            }
            measure("generated CT tree", tree);
        } finally {
            try (Stream<Path> s = Files.walk(tree)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Writes {@code count} CT-like files: 50 series of up to 60 slices, 256x256 16-bit pixels, nested sequences. */
    static void generate(Path dir, int count) throws IOException {
        byte[] pixels = new byte[256 * 256 * 2];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        DicomObject code = DicomObject.builder().setString(Tags.CodeValue, "113691")
                .setString(Tags.CodingSchemeDesignator, "DCM").setString(Tags.CodeMeaning, "IHE Protocol").build();
        for (int n = 0; n < count; n++) {
            int series = n / 60;
            int study = series / 5;
            DicomObject ds = DicomObject.builder()
                    .setString(Tags.SpecificCharacterSet, "ISO_IR 100")
                    .setString(Tags.ImageType, "ORIGINAL", "PRIMARY", "AXIAL")
                    .setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.2")
                    .setString(Tags.SOPInstanceUID, "2.25.77" + n)
                    .setString(Tags.StudyDate, "20250128").setString(Tags.StudyTime, "101500")
                    .setString(Tags.AccessionNumber, "A" + study).setString(Tags.Modality, "CT")
                    .setString(Tags.Manufacturer, "Deliberate").setString(Tags.StudyDescription, "CT CHEST")
                    .setString(Tags.SeriesDescription, "AXIAL 1.25mm")
                    .setSequence(Tags.ProcedureCodeSequence, List.of(code))
                    .setString(Tags.PatientName, "Doe^Jane").setString(Tags.PatientID, "P" + study)
                    .setString(Tags.PatientBirthDate, "19700101").setString(Tags.PatientSex, "F")
                    .setDouble(Tags.SliceThickness, 1.25).setString(Tags.KVP, "120")
                    .setString(Tags.StudyInstanceUID, "2.25.88" + study)
                    .setString(Tags.SeriesInstanceUID, "2.25.99" + series)
                    .setInt(Tags.SeriesNumber, series).setInt(Tags.InstanceNumber, n % 60)
                    .setDouble(Tags.ImagePositionPatient, -125, -125, (n % 60) * 1.25)
                    .setDouble(Tags.ImageOrientationPatient, 1, 0, 0, 0, 1, 0)
                    .setString(Tags.FrameOfReferenceUID, "2.25.66" + study)
                    .setInt(Tags.SamplesPerPixel, 1).setString(Tags.PhotometricInterpretation, "MONOCHROME2")
                    .setInt(Tags.Rows, 256).setInt(Tags.Columns, 256).setDouble(Tags.PixelSpacing, 0.7, 0.7)
                    .setInt(Tags.BitsAllocated, 16).setInt(Tags.BitsStored, 12).setInt(Tags.HighBit, 11)
                    .setInt(Tags.PixelRepresentation, 0).setString(Tags.WindowCenter, "40")
                    .setString(Tags.WindowWidth, "400").setString(Tags.RescaleIntercept, "-1024")
                    .setString(Tags.RescaleSlope, "1")
                    .setBytes(Tags.PixelData, VR.OW, pixels)
                    .build();
            Path sub = dir.resolve("s" + series);
            Files.createDirectories(sub);
            DicomWriter.standard().write(new DicomFile(DicomObject.empty(), ds,
                    TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), sub.resolve(n + ".dcm"));
        }
    }

    private static void measure(String label, Path tree) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(tree)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (int i = 0; i < 3; i++) {
            sdk(files, 1); // warm-up: let the JIT compile the reader
        }
        // interleaved rounds, median per reader: the machine is shared, so noise hits every reader alike
        int rounds = 5;
        double[][] t = new double[4][rounds];
        for (int r = 0; r < rounds; r++) {
            t[0][r] = sdk(files, 1);
            t[1][r] = sdk(files, 2);
            t[2][r] = pydicom(tree);
            t[3][r] = dcmdump(tree);
        }
        double sdk1 = median(t[0]);
        double sdk2 = median(t[1]);
        double py = median(t[2]);
        double dcm = median(t[3]);
        int ok = sdkOk(files);
        System.out.printf(Locale.ROOT, "%n%s: %d files (%d read by the SDK)%n", label, files.size(), ok);
        System.out.printf(Locale.ROOT, "  SDK, 1 thread     %10.0f files/s%n", files.size() / sdk1);
        System.out.printf(Locale.ROOT, "  SDK, 2 threads    %10.0f files/s%n", files.size() / sdk2);
        System.out.printf(Locale.ROOT, "  pydicom           %10.0f files/s%n", files.size() / py);
        System.out.printf(Locale.ROOT, "  dcmdump           %10.0f files/s%n", files.size() / dcm);
        System.out.printf(Locale.ROOT, "  ratio SDK(1 thread)/pydicom %.1fx, SDK(2 threads)/pydicom %.1fx, "
                + "SDK(1 thread)/dcmdump %.1fx%n", py / sdk1, py / sdk2, dcm / sdk1);
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2];
    }

    private static final DicomReader READER = new DicomReader(DicomReadOptions.defaults().withStopBeforePixels(true));

    private static int sdkOk(List<Path> files) {
        int ok = 0;
        for (Path f : files) {
            try {
                READER.read(f);
                ok++;
            } catch (IOException | DeliberateException e) {
                // counted as not read
            }
        }
        return ok;
    }

    /** Seconds to read every header and look up the study and series UIDs. */
    static double sdk(List<Path> files, int threads) throws Exception {
        long start = System.nanoTime();
        AtomicInteger sink = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    for (int i = first; i < files.size(); i += threads) {
                        try {
                            DicomObject ds = READER.read(files.get(i)).dataset();
                            sink.addAndGet(ds.getString(Tags.StudyInstanceUID).orElse("").length()
                                    + ds.getString(Tags.SeriesInstanceUID).orElse("").length());
                        } catch (IOException | DeliberateException e) {
                            sink.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static double pydicom(Path tree) throws Exception {
        Path script = Files.createTempFile("pydicom_scan", ".py");
        try (InputStream in = DicomHeaderScanBench.class.getResourceAsStream("pydicom_scan.py")) {
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 1; i++) {
                Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), tree.toString())
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("pydicom scan failed");
                }
                JsonNode j = new ObjectMapper().readTree(out);
                best = Math.min(best, j.get("seconds").asDouble());
            }
            return best;
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** dcmdump over the whole tree in one process, stopping before pixel data, output discarded. */
    private static double dcmdump(Path tree) throws Exception {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 1; i++) {
            long start = System.nanoTime();
            Process p = new ProcessBuilder("dcmdump", "-q", "+sd", "+r", "-M", "+sb", "7fe0,0010", tree.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.waitFor();
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return best;
    }
}

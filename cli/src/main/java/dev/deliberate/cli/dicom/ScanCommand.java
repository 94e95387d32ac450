package dev.deliberate.cli.dicom;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomParseException;
import dev.deliberate.medical.dicom.DicomReadOptions;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.Tags;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code deliberate dicom scan DIR}: reads the header (up to pixel data) of every file under a folder, in parallel,
 * and prints {@code {"files":N,"studies":N,"series":N,"errors":N,"elapsedMs":N}}.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Read every file's DICOM header under DIR and print counts as JSON.")
public final class ScanCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "The folder to scan (recursively).")
    Path dir;

    @Option(names = "--threads", description = "Reader threads, 1 to 256 (default: available processors).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--lenient", description = "Also read files without preamble/file meta, and truncated files.")
    boolean lenient;

    @Option(names = "--list-errors", description = "Also list each unreadable file with its error.")
    boolean listErrors;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The scan result. */
    public record Result(long files, int studies, int series, long errors, long elapsedMs, List<String> failures) {}

    /** Scans a folder with {@code threads} readers. */
    public static Result scan(Path dir, int threads) throws IOException, InterruptedException {
        return scan(dir, threads, DicomReadOptions.defaults());
    }

    /** Scans a folder with {@code threads} readers and the given read options (pixel data is never read). */
    public static Result scan(Path dir, int threads, DicomReadOptions options)
            throws IOException, InterruptedException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new java.nio.file.NotDirectoryException(dir.toString());
        }
        if (!Files.exists(dir)) {
            throw new java.nio.file.NoSuchFileException(dir.toString());
        }
        long start = System.nanoTime();
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        DicomReader reader = new DicomReader(options.withStopBeforePixels(true));
        Set<String> studies = ConcurrentHashMap.newKeySet();
        Set<String> series = ConcurrentHashMap.newKeySet();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong errors = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            int n = Math.max(1, threads);
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    for (int i = first; i < files.size(); i += n) {
                        Path f = files.get(i);
                        try {
                            DicomObject ds = reader.read(f).dataset();
                            ds.getString(Tags.StudyInstanceUID).ifPresent(studies::add);
                            ds.getString(Tags.SeriesInstanceUID).ifPresent(series::add);
                        } catch (IOException | DeliberateException e) {
                            errors.incrementAndGet();
                            // parse errors name the file themselves; I/O errors do not
                            failures.add(e instanceof DicomParseException || e instanceof java.nio.file.FileSystemException
                                    ? e.getMessage() : f + ": " + e.getMessage());
                        }
                    }
                }));
            }
            for (Future<?> p : parts) {
                p.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("scan worker failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        return new Result(files.size(), studies.size(), series.size(), errors.get(), ms, List.copyOf(failures));
    }

    /** Scans and prints the JSON line. */
    @Override
    public Integer call() throws Exception {
        if (threads < 1 || threads > 256) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--threads must be between 1 and 256, got " + threads);
        }
        DicomReadOptions read = DicomReadOptions.defaults();
        if (lenient) {
            read = read.withAllowMissingFileMeta(true).withAllowTruncated(true);
        }
        Result r = scan(dir, threads, read);
        // jackson-core's streaming generator, not an ObjectMapper: the scan is start-up bound and databind's
        // initialisation would cost more than writing these few fields
        PrintWriter out = spec.commandLine().getOut();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            g.writeStartObject();
            g.writeNumberField("files", r.files());
            g.writeNumberField("studies", r.studies());
            g.writeNumberField("series", r.series());
            g.writeNumberField("errors", r.errors());
            g.writeNumberField("elapsedMs", r.elapsedMs());
            if (listErrors) {
                g.writeArrayFieldStart("failures");
                for (String f : r.failures().stream().sorted().toList()) {
                    g.writeString(f);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        out.println();
        out.flush();
        return 0;
    }
}

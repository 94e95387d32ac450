package dev.deliberate.cli.dicom;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.deliberate.cli.PlainArgs;
import dev.deliberate.cli.PlainCommand;
import dev.deliberate.medical.dicom.DicomReadOptions;
import dev.deliberate.medical.dicom.DicomScan;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code deliberate dicom scan} was asked to do, and doing it: {@link ScanCommand} makes one from picocli's
 * parse, {@link #parsePlain} from the plain forms of the arguments without picocli.
 *
 * <p>Why two parsers: the command is start-up bound (thousands of headers take a fraction of a second) and building
 * picocli's model costs about 80 ms cold, loading picocli's classes (which no class-data archive can hold: they are
 * Java 5 class files) another 20. So the process entry point runs a plain command line through this class, which
 * names no picocli type, and gives anything else (help, a bad value, an unknown option, an {@code @file}) to picocli,
 * so that usage and errors stay picocli's. {@code ScanCommandTest} holds the two parsers to the same result.
 *
 * @param dir        the folder to scan
 * @param threads    reader threads, 1 to {@link DicomScan#MAX_THREADS}
 * @param lenient    also read bare datasets and truncated files
 * @param listErrors also print each unreadable file with its error
 */
public record ScanRequest(Path dir, int threads, boolean lenient, boolean listErrors) implements PlainCommand {

    /** The default thread count: one per available processor. */
    static final int DEFAULT_THREADS = DicomScan.defaultThreads();

    /** @throws IllegalArgumentException when {@code threads} is out of range */
    public ScanRequest {
        Objects.requireNonNull(dir, "dir");
        if (threads < 1 || threads > DicomScan.MAX_THREADS) {
            throw new IllegalArgumentException("--threads must be between 1 and " + DicomScan.MAX_THREADS + ", got "
                    + threads);
        }
    }

    /**
     * The request for the arguments after {@code dicom scan} when they are in a plain form ({@link PlainArgs}): one
     * folder, {@code --threads N} with N from 1 to 256 in plain decimal, {@code --lenient}, {@code --list-errors}.
     * Empty for anything else.
     */
    public static Optional<ScanRequest> parsePlain(List<String> args) {
        Optional<PlainArgs.Parsed> parsed = PLAIN.parse(args);
        if (parsed.isEmpty() || parsed.get().positionals().size() != 1) {
            return Optional.empty();
        }
        PlainArgs.Parsed p = parsed.get();
        java.util.OptionalInt threads = p.number("--threads", 1, DicomScan.MAX_THREADS, DEFAULT_THREADS);
        if (threads.isEmpty()) {
            return Optional.empty(); // picocli's converter and message decide
        }
        try {
            return Optional.of(new ScanRequest(Path.of(p.positionals().get(0)), threads.getAsInt(),
                    p.flag("--lenient"), p.flag("--list-errors")));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static final PlainArgs PLAIN = new PlainArgs(java.util.Set.of("--lenient", "--list-errors"),
            java.util.Set.of("--threads"));

    /** Scans and prints the JSON line to {@code out}; returns the exit code (0: unreadable files are counted). */
    @Override
    public int run(PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        return run(out);
    }

    /** As {@link #run(PrintWriter, PrintWriter)}: a scan prints nothing on standard error. */
    public int run(PrintWriter out) throws IOException, InterruptedException {
        DicomReadOptions read = DicomReadOptions.defaults();
        if (lenient) {
            read = read.withAllowMissingFileMeta(true).withAllowTruncated(true);
        }
        DicomScan.Summary r = new DicomScan(read, threads).run(dir);
        // jackson-core's streaming generator, not an ObjectMapper: the scan is start-up bound and databind's
        // initialisation would cost more than writing these few fields
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            g.writeStartObject();
            g.writeNumberField("files", r.files());
            g.writeNumberField("studies", r.studies());
            g.writeNumberField("series", r.series());
            g.writeNumberField("errors", r.errors());
            g.writeNumberField("elapsedMs", r.elapsed().toMillis());
            if (listErrors) {
                g.writeArrayFieldStart("failures");
                for (DicomScan.Failure f : r.failures()) {
                    g.writeString(f.reason());
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

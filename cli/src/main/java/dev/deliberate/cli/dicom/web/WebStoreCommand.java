package dev.deliberate.cli.dicom.web;

import dev.deliberate.core.DeliberateException;
import dev.deliberate.medical.web.DicomWebClient;
import dev.deliberate.medical.web.StowResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code deliberate dicom web store FILE|DIR... --url BASE}: STOW-RS of files and folder trees (Part 10 files only; in
 * a folder, other files such as DICOMDIRs and notes are skipped), in requests of at most 100 files.
 */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = "Store DICOM files with STOW-RS; folders are walked for Part 10 files.")
public final class WebStoreCommand implements Callable<Integer> {
    static final int MAX_FOLDER_DEPTH = 32;

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "DICOM files, or folders of them.")
    List<Path> inputs;

    @Mixin
    WebConnection connection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<Path> files = new ArrayList<>();
        int skipped = 0;
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                List<Path> found;
                try (Stream<Path> s = Files.walk(in, MAX_FOLDER_DEPTH, FileVisitOption.FOLLOW_LINKS)) {
                    found = s.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path f : found) {
                    if (isPart10(f) && !f.getFileName().toString().equalsIgnoreCase("DICOMDIR")) {
                        files.add(f);
                    } else {
                        skipped++;
                    }
                }
            } else if (Files.isRegularFile(in)) {
                files.add(in); // named explicitly: sent as it is, the server judges it
            } else {
                throw new NoSuchFileException(in.toString(), null, "no such file or folder");
            }
        }
        if (files.isEmpty()) {
            throw new DeliberateException("no DICOM Part 10 files found in " + String.join(", ",
                    inputs.stream().map(Path::toString).toList()));
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StowResult r;
        try (DicomWebClient web = connection.open(spec.commandLine())) {
            Progress progress = new Progress(err, "stored", files.size());
            r = web.store(files, progress);
            progress.done();
        }
        for (StowResult.FailedInstance f : r.failed()) {
            err.println("deliberate: not stored: " + (f.sopInstanceUid().isEmpty() ? "(unknown instance)"
                    : f.sopInstanceUid()) + " (failure reason " + f.failureReasonHex() + ")");
        }
        long warned = r.stored().stream().filter(s -> s.warningReason().isPresent()).count();
        out.println("stored " + r.stored().size() + " of " + files.size() + (files.size() == 1 ? " file" : " files")
                + (r.failed().isEmpty() ? "" : ", " + r.failed().size() + " failed")
                + (warned == 0 ? "" : ", " + warned + " with warnings")
                + (skipped == 0 ? "" : " (" + skipped + (skipped == 1 ? " non-DICOM file" : " non-DICOM files")
                        + " skipped)"));
        out.flush();
        err.flush();
        return r.failed().isEmpty() ? 0 : 1;
    }

    /** A Part 10 file: "DICM" after the 128-byte preamble. */
    private static boolean isPart10(Path f) {
        try (InputStream in = Files.newInputStream(f)) {
            byte[] head = in.readNBytes(132);
            return head.length == 132 && Arrays.equals(head, 128, 132, new byte[] {'D', 'I', 'C', 'M'}, 0, 4);
        } catch (IOException e) {
            return false;
        }
    }
}

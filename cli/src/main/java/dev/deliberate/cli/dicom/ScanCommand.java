package dev.deliberate.cli.dicom;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code deliberate dicom scan DIR}: reads the header (up to pixel data) of every file under a folder with
 * {@link dev.deliberate.medical.dicom.DicomScan} and prints
 * {@code {"files":N,"studies":N,"series":N,"errors":N,"elapsedMs":N}}. Picocli's side of the command: the plain forms
 * of its arguments never reach picocli (see {@link ScanRequest}).
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Read every file's DICOM header under DIR and print counts as JSON.")
public final class ScanCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "The folder to scan (recursively).")
    Path dir;

    @Option(names = "--threads", description = "Reader threads, 1 to 256 (default: available processors).")
    int threads = ScanRequest.DEFAULT_THREADS;

    @Option(names = "--lenient", description = "Also read files without preamble/file meta, and truncated files.")
    boolean lenient;

    @Option(names = "--list-errors", description = "Also list each unreadable file with its error.")
    boolean listErrors;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Scans and prints the JSON line. */
    @Override
    public Integer call() throws Exception {
        ScanRequest request;
        try {
            request = new ScanRequest(dir, threads, lenient, listErrors);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return request.run(spec.commandLine().getOut());
    }
}

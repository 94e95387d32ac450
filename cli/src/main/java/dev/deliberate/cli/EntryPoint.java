package dev.deliberate.cli;

import dev.deliberate.cli.dicom.DimseRuns;
import dev.deliberate.cli.dicom.ScanRequest;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/**
 * The process entry point (the jar's main class). It names no picocli type, on purpose: the plain forms of the
 * start-up-bound {@code dicom scan}, {@code dicom echo} and {@code dicom send} run from here without picocli being
 * loaded at all (see {@link PlainArgs}, {@link ScanRequest}, {@link DimseRuns}); every other command line goes to
 * {@link Main}. A class that mentions picocli types makes the JVM load them when it links
 * that class, which also opens every jar on the class path to find them: about 20 ms before {@code main} runs.
 */
public final class EntryPoint {
    private EntryPoint() {}

    /** Runs the command line, then ends the process with its exit code. */
    public static void main(String[] args) {
        Optional<Integer> plain = runPlain(args);
        int code = plain.isPresent() ? plain.get() : Main.executeWithPicocli(System.getenv(), args);
        System.out.flush();
        System.err.flush();
        // The native inference runtime may keep non-daemon threads alive; the CLI is done, so end the process.
        Runtime.getRuntime().halt(code);
    }

    /** The exit code of a command line this class runs itself; empty for one that needs picocli. */
    static Optional<Integer> runPlain(String[] args) {
        if (args.length < 2 || !args[0].equals("dicom")) {
            return Optional.empty();
        }
        List<String> rest = List.of(args).subList(2, args.length);
        Optional<? extends PlainCommand> plain = switch (args[1]) {
            case "scan" -> ScanRequest.parsePlain(rest);
            case "echo" -> DimseRuns.plainEcho(rest);
            case "send" -> DimseRuns.plainSend(rest);
            default -> Optional.empty();
        };
        if (plain.isEmpty()) {
            return Optional.empty();
        }
        // the writers picocli would make: the default charset, flushed on every line
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        try {
            return Optional.of(plain.get().run(out, err));
        } catch (Exception e) {
            return Optional.of(ErrorMessages.report(e, err, false));
        } finally {
            out.flush();
            err.flush();
        }
    }
}

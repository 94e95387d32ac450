package dev.deliberate.cli.dicom;

import dev.deliberate.medical.net.StoreScu;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deliberate dicom send FILE|DIR...}: C-STORE every file, each in its own transfer syntax. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Send DICOM files (folders recursively) to a storage SCP with C-STORE, as they are.")
public final class SendCommand implements Callable<Integer> {
    @CommandLine.Mixin
    DimseTarget target = new DimseTarget();

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Files or folders to send.")
    List<Path> paths;

    @Option(names = "--quiet", description = "No progress lines, only the summary.")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> files = StoreScu.expand(paths);
        long[] lastPrint = {System.nanoTime()};
        StoreScu.Summary s = StoreScu.send(target.storeTarget(), files, p -> {
                    if (!p.latest().ok()) {
                        err.println("failed: " + p.latest().file() + ": " + p.latest().error().orElse("?"));
                    }
                    long now = System.nanoTime();
                    if (!quiet && (now - lastPrint[0] > 1_000_000_000L || p.done() == p.total())) {
                        lastPrint[0] = now;
                        err.printf("sent %d/%d files, %.1f MB%n", p.done(), p.total(), p.bytes() / 1e6);
                    }
                    err.flush();
                });
        double secs = s.elapsedNanos() / 1e9;
        out.printf("sent %d of %d files (%.1f MB) to %s in %.2f s, %d failed%n", s.stored(), files.size(),
                s.bytes() / 1e6, target.where(), secs, s.failed());
        out.flush();
        return s.failed() == 0 ? 0 : 1;
    }
}

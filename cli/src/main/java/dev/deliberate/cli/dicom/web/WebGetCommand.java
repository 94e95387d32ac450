package dev.deliberate.cli.dicom.web;

import dev.deliberate.medical.web.DicomWebClient;
import dev.deliberate.medical.web.TransferListener;
import dev.deliberate.medical.web.WadoTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code deliberate dicom web get --study UID [--series UID [--instance UID]] --out DIR --url BASE}: WADO-RS retrieval
 * into a folder, one file per instance named by its SOP Instance UID, each written atomically, streamed (a study
 * never sits in memory).
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Retrieve a study, series or instance with WADO-RS into DIR "
                + "(files named <SOP Instance UID>.dcm).")
public final class WebGetCommand implements Callable<Integer> {

    @Option(names = "--study", required = true, paramLabel = "UID", description = "Study Instance UID.")
    String study;

    @Option(names = "--series", paramLabel = "UID", description = "Only this series of the study.")
    String series;

    @Option(names = "--instance", paramLabel = "UID", description = "Only this instance of the series.")
    String instance;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The folder to write (created).")
    Path out;

    @Mixin
    WebConnection connection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        WadoTarget target;
        try {
            target = new WadoTarget(study, Optional.ofNullable(series), Optional.ofNullable(instance));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new dev.deliberate.core.DeliberateException("--out " + out + " is a file, not a folder");
        }
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        List<Path> files;
        long bytes;
        try (DicomWebClient web = connection.open(spec.commandLine())) {
            Progress progress = new Progress(err, "received", 0);
            long[] total = {0};
            TransferListener both = (n, b) -> {
                total[0] = b;
                progress.progress(n, b);
            };
            files = web.retrieve(target, out, both);
            bytes = total[0];
            progress.done();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintWriter o = spec.commandLine().getOut();
        o.println(String.format(Locale.ROOT, "retrieved %d %s (%,.1f MB) into %s in %.1f s", files.size(),
                files.size() == 1 ? "instance" : "instances", bytes / 1e6, out, seconds));
        o.flush();
        return 0;
    }
}

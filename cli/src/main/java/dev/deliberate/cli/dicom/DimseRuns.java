package dev.deliberate.cli.dicom;

import dev.deliberate.cli.PlainArgs;
import dev.deliberate.cli.PlainCommand;
import dev.deliberate.medical.net.Association;
import dev.deliberate.medical.net.AssociationOptions;
import dev.deliberate.medical.net.AssociationRequest;
import dev.deliberate.medical.net.DimseStatus;
import dev.deliberate.medical.net.PresentationContexts;
import dev.deliberate.medical.net.StoreScu;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What {@code dicom echo} and {@code dicom send} do once their arguments are known, for {@link EchoCommand} and
 * {@link SendCommand} and for their plain forms, which the entry point runs without picocli: both are short,
 * start-up-bound commands in scripts and health checks, and picocli's model costs about 0.1 s of each cold. This
 * class names no picocli type (see {@link dev.deliberate.cli.EntryPoint}).
 */
public final class DimseRuns {
    private static final PlainArgs ECHO = new PlainArgs(Set.of(),
            Set.of("--aet", "--called", "--host", "--port", "--timeout"));
    private static final PlainArgs SEND = new PlainArgs(Set.of("--quiet"),
            Set.of("--aet", "--called", "--host", "--port", "--timeout", "--associations", "--max-ops"));

    private DimseRuns() {}

    /** C-ECHO; prints one line. */
    static int echo(DimseTarget target, PrintWriter out) throws IOException {
        long start = System.nanoTime();
        AssociationRequest rq = AssociationRequest.of(target.callingAe(), target.calledAe(),
                PresentationContexts.verification());
        try (Association a = target.open(rq)) {
            DimseStatus s = a.echo();
            long ms = (System.nanoTime() - start) / 1_000_000;
            out.printf("C-ECHO %s: %s in %d ms%n", target.where(), s, ms);
            out.flush();
            return s.ok() ? 0 : 1;
        }
    }

    /** C-STORE of every file; progress (unless quiet) and failures on {@code err}, the summary on {@code out}. */
    static int send(DimseTarget target, List<Path> paths, boolean quiet, int associations, int maxOperations,
            PrintWriter out, PrintWriter err) throws IOException {
        List<Path> files = StoreScu.expand(paths);
        long[] lastPrint = {System.nanoTime()};
        StoreScu.Summary s = StoreScu.send(target.storeTarget(maxOperations), files, associations, p -> {
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

    /** {@code dicom echo} in a plain form: the target options only, {@code --called} and {@code --port} given. */
    public static Optional<PlainCommand> plainEcho(List<String> args) {
        return echoTarget(args).map(t -> (out, err) -> echo(t, out));
    }

    /** {@code dicom send} in a plain form: target options, {@code --quiet}, {@code --associations N}, files. */
    public static Optional<PlainCommand> plainSend(List<String> args) {
        return sendArgs(args).map(a -> (out, err) -> send(a.target(), a.paths(), a.quiet(), a.associations(),
                a.maxOperations(), out, err));
    }

    /** The arguments of a plain {@code dicom send}. */
    record SendArgs(DimseTarget target, List<Path> paths, boolean quiet, int associations, int maxOperations) {}

    static Optional<DimseTarget> echoTarget(List<String> args) {
        Optional<PlainArgs.Parsed> p = ECHO.parse(args);
        return p.isEmpty() || !p.get().positionals().isEmpty() ? Optional.empty() : target(p.get());
    }

    static Optional<SendArgs> sendArgs(List<String> args) {
        Optional<PlainArgs.Parsed> parsed = SEND.parse(args);
        if (parsed.isEmpty() || parsed.get().positionals().isEmpty()) {
            return Optional.empty();
        }
        PlainArgs.Parsed p = parsed.get();
        OptionalInt associations = p.number("--associations", 1, StoreScu.MAX_ASSOCIATIONS, 1);
        OptionalInt maxOperations = p.number("--max-ops", 1, AssociationOptions.MAX_OPERATIONS,
                AssociationOptions.defaults().maxOperations());
        Optional<DimseTarget> target = target(p);
        if (associations.isEmpty() || maxOperations.isEmpty() || target.isEmpty()) {
            return Optional.empty();
        }
        List<Path> paths = new ArrayList<>();
        try {
            for (String s : p.positionals()) {
                paths.add(Path.of(s));
            }
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        return Optional.of(new SendArgs(target.get(), List.copyOf(paths), p.flag("--quiet"),
                associations.getAsInt(), maxOperations.getAsInt()));
    }

    /** The target options as picocli would set them; empty when a required one is missing or a number is odd. */
    static Optional<DimseTarget> target(PlainArgs.Parsed p) {
        DimseTarget t = new DimseTarget();
        OptionalInt port = p.number("--port", 1, 65535, 0);
        OptionalInt timeout = p.number("--timeout", 1, 999_999, t.timeoutSeconds);
        if (p.value("--called").isEmpty() || p.value("--port").isEmpty() || port.isEmpty() || timeout.isEmpty()) {
            return Optional.empty();
        }
        t.calling = p.value("--aet").orElse(t.calling);
        t.called = p.value("--called").get();
        t.host = p.value("--host").orElse(t.host);
        t.port = port.getAsInt();
        t.timeoutSeconds = timeout.getAsInt();
        return Optional.of(t);
    }
}

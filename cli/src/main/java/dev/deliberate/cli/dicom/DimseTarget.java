package dev.deliberate.cli.dicom;

import dev.deliberate.medical.net.AeTitle;
import dev.deliberate.medical.net.Association;
import dev.deliberate.medical.net.AssociationOptions;
import dev.deliberate.medical.net.AssociationRequest;
import dev.deliberate.medical.net.StoreScu;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every DIMSE client command shares: who we are, whom we call, where. */
final class DimseTarget {
    @Option(names = "--aet", paramLabel = "CALLING", description = "This side's AE title (default: ${DEFAULT-VALUE}).")
    String calling = "DELIBERATE";

    @Option(names = "--called", paramLabel = "AE", required = true, description = "The peer's AE title.")
    String called;

    @Option(names = "--host", paramLabel = "H", description = "The peer's host (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "P", required = true, description = "The peer's port.")
    int port;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Connect, ARTIM and response timeout in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 30;

    @Mixin
    TlsOptions tls = new TlsOptions();

    AeTitle callingAe() {
        return AeTitle.of(calling);
    }

    AeTitle calledAe() {
        return AeTitle.of(called);
    }

    AssociationOptions options() {
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout must be at least 1 second");
        }
        Duration t = Duration.ofSeconds(timeoutSeconds);
        return AssociationOptions.defaults().withConnectTimeout(t).withArtimTimeout(t).withIdleTimeout(t);
    }

    String where() {
        return called + "@" + host + ":" + port + (tls.tls ? " (TLS)" : "");
    }

    /** Opens an association, over TLS when asked. */
    Association open(AssociationRequest request) throws IOException {
        Optional<SSLContext> ctx = tls.context();
        return ctx.isPresent() ? Association.open(host, port, request, options(), ctx.get())
                : Association.open(host, port, request, options());
    }

    /** The target of a C-STORE run asking for this asynchronous operations window, over TLS when asked. */
    StoreScu.Target storeTarget(int maxOperations) {
        StoreScu.Target t = new StoreScu.Target(host, port, callingAe(), calledAe(),
                options().withMaxOperations(maxOperations));
        Optional<SSLContext> ctx = tls.context();
        return ctx.isPresent() ? t.withTls(ctx.get()) : t;
    }
}

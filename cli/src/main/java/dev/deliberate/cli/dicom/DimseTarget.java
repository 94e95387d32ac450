package dev.deliberate.cli.dicom;

import dev.deliberate.medical.net.AeTitle;
import dev.deliberate.medical.net.AssociationOptions;
import java.time.Duration;
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
        return called + "@" + host + ":" + port;
    }
}

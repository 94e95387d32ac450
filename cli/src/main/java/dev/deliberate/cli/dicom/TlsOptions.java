package dev.deliberate.cli.dicom;

import dev.deliberate.medical.net.TlsConfiguration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/** TLS options of the DIMSE commands: a thin layer over {@link TlsConfiguration}. */
final class TlsOptions {
    @Option(names = "--tls", description = "Use TLS (DICOM Basic TLS Secure Transport Connection Profile, JSSE).")
    boolean tls;

    @Option(names = "--key-store", paramLabel = "FILE", description = "With --tls: this node's key and certificate "
            + "(PKCS#12 or JKS). Required to listen; to call, only when the peer asks for a client certificate.")
    Path keyStore;

    @Option(names = "--key-store-password", paramLabel = "PASSWORD", defaultValue =
            "${env:DELIBERATE_KEY_STORE_PASSWORD:-}", description = "The key store's password (default: the "
            + "environment variable DELIBERATE_KEY_STORE_PASSWORD; prefer it, a command line is visible to others).")
    String keyStorePassword;

    @Option(names = "--trust-store", paramLabel = "FILE",
            description = "With --tls: the certificates trusted, as a key store (PKCS#12 or JKS).")
    Path trustStore;

    @Option(names = "--trust-store-password", paramLabel = "PASSWORD", defaultValue =
            "${env:DELIBERATE_TRUST_STORE_PASSWORD:-}",
            description = "The trust store's password (default: DELIBERATE_TRUST_STORE_PASSWORD, else none).")
    String trustStorePassword;

    @Option(names = "--trust-cert", paramLabel = "FILE", description = "With --tls: trust this X.509 certificate "
            + "(PEM or DER; repeatable). Without --trust-store or --trust-cert the JVM's default trust store decides.")
    List<Path> trustCerts = new ArrayList<>();

    /** The JSSE context when --tls was given; a TLS option without --tls is a usage error. */
    Optional<SSLContext> context() {
        if (!tls) {
            if (keyStore != null || trustStore != null || !trustCerts.isEmpty()) {
                throw new IllegalArgumentException("--key-store, --trust-store and --trust-cert need --tls");
            }
            return Optional.empty();
        }
        return Optional.of(new TlsConfiguration(Optional.ofNullable(keyStore), chars(keyStorePassword),
                Optional.ofNullable(trustStore), chars(trustStorePassword), trustCerts).sslContext());
    }

    private static char[] chars(String s) {
        return s == null ? new char[0] : s.toCharArray();
    }
}

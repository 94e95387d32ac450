package dev.deliberate.cli.dicom.web;

import dev.deliberate.medical.web.DicomWebAuth;
import dev.deliberate.medical.web.DicomWebClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options every {@code dicom web} command shares: the service root, one way to authenticate, timeouts. Credentials
 * are never printed: not in errors, not in help (the environment variables' values are not shown).
 */
final class WebConnection {

    @Option(names = "--url", required = true, paramLabel = "BASE",
            description = "The DICOMweb service root, e.g. http://127.0.0.1:8042/dicom-web")
    String url;

    @Option(names = "--bearer", paramLabel = "TOKEN", defaultValue = "${env:DELIBERATE_DICOMWEB_BEARER}",
            description = "Send 'Authorization: Bearer TOKEN' (default: the environment variable "
                    + "DELIBERATE_DICOMWEB_BEARER, which keeps the token out of the process list).")
    String bearer;

    @Option(names = "--basic", paramLabel = "USER:PASSWORD", defaultValue = "${env:DELIBERATE_DICOMWEB_BASIC}",
            description = "Send HTTP basic credentials (default: the environment variable DELIBERATE_DICOMWEB_BASIC).")
    String basic;

    @Option(names = "--header", paramLabel = "NAME:VALUE",
            description = "Send one other authentication header, e.g. 'X-Api-Key: abc'.")
    String header;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Longest wait for a connection, an answer, or the next bytes of one (default: 60).")
    int timeoutSeconds;

    /** The client these options describe. */
    DicomWebClient open(picocli.CommandLine cli) {
        URI root;
        try {
            root = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new ParameterException(cli, "--url: not a URL: " + e.getReason());
        }
        if (timeoutSeconds < 1 || timeoutSeconds > 86_400) {
            throw new ParameterException(cli, "--timeout must be 1 to 86400 seconds");
        }
        DicomWebClient.Builder b;
        try {
            b = DicomWebClient.builder(root);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cli, "--url: " + e.getMessage());
        }
        Duration t = Duration.ofSeconds(timeoutSeconds);
        b.connectTimeout(t).requestTimeout(t).readTimeout(t);
        int given = (blank(bearer) ? 0 : 1) + (blank(basic) ? 0 : 1) + (blank(header) ? 0 : 1);
        if (given > 1) {
            throw new ParameterException(cli, "give only one of --bearer, --basic and --header");
        }
        try {
            if (!blank(bearer)) {
                b.auth(DicomWebAuth.bearer(bearer.strip()));
            } else if (!blank(basic)) {
                int colon = basic.indexOf(':');
                if (colon <= 0) {
                    throw new ParameterException(cli, "--basic must be USER:PASSWORD");
                }
                b.auth(DicomWebAuth.basic(basic.substring(0, colon), basic.substring(colon + 1)));
            } else if (!blank(header)) {
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    throw new ParameterException(cli, "--header must be NAME:VALUE");
                }
                b.auth(DicomWebAuth.header(header.substring(0, colon).strip(), header.substring(colon + 1).strip()));
            }
        } catch (IllegalArgumentException e) {
            // the SDK's messages name the header, never the credential
            throw new ParameterException(cli, e.getMessage());
        }
        return b.build();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}

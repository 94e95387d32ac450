package dev.deliberate.medical.phi;

import dev.deliberate.core.DeliberateException;
import java.net.URI;
import java.util.List;

/**
 * Identified data was about to be sent to an endpoint that was not allowed to receive it. Nothing was sent. The
 * message names the endpoint and which identifiers were found (never their values).
 */
public class PhiExposureException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    private final URI endpoint;
    private final List<String> findings;

    /**
     * @param endpoint where the data was going
     * @param findings what identifies the data (attribute keywords or kinds, no values)
     */
    public PhiExposureException(URI endpoint, List<String> findings) {
        super("refusing to send identified data to " + endpoint + " (found: " + String.join(", ", findings)
                + "); de-identify it first, or allow this endpoint explicitly with PhiGuard.Builder"
                + ".allowIdentifiedDataTo");
        this.endpoint = endpoint;
        this.findings = List.copyOf(findings);
    }

    /** The endpoint that was refused. */
    public URI endpoint() {
        return endpoint;
    }

    /** What identified the data (keywords, no values). */
    public List<String> findings() {
        return findings;
    }
}

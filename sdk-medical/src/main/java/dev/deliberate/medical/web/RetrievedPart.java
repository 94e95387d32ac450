package dev.deliberate.medical.web;

import java.io.InputStream;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One instance of a WADO-RS response as it streams in: valid only during
 * {@link DicomWebClient.PartHandler#accept(RetrievedPart)}; its body ends at the part's boundary.
 *
 * @param index       1-based position in the response
 * @param contentType the part's content type (e.g. {@code application/dicom; transfer-syntax=1.2.840.10008.1.2.1})
 * @param headers     the part's headers, names in lower case
 * @param body        the Part 10 bytes, bounded by {@link DicomWebLimits#maxPartSize()}
 */
public record RetrievedPart(int index, String contentType, Map<String, String> headers, InputStream body) {
    /** Copies the headers. */
    public RetrievedPart {
        Objects.requireNonNull(contentType, "contentType");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    /** The part's Content-Location header, if given. */
    public Optional<String> contentLocation() {
        return Optional.ofNullable(headers.get("content-location"));
    }
}

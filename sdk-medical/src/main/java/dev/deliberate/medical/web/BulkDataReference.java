package dev.deliberate.medical.web;

import dev.deliberate.medical.dicom.VR;
import java.util.Objects;

/**
 * A value a server left out of a DICOM JSON response and offered by URL instead ({@code BulkDataURI}, PS3.18 F.2.6),
 * typically Pixel Data.
 *
 * @param path the attribute's place in the dataset: 8-hex-digit tags joined by '/', with item indexes between them
 *             inside sequences (e.g. {@code 7FE00010}, or {@code 00540016/0/00181072})
 * @param vr   the attribute's VR
 * @param uri  where the value can be retrieved, as the server wrote it
 */
public record BulkDataReference(String path, VR vr, String uri) {
    /** Checks for nulls. */
    public BulkDataReference {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(vr, "vr");
        Objects.requireNonNull(uri, "uri");
    }
}

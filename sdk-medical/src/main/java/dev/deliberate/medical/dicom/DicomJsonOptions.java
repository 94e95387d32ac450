package dev.deliberate.medical.dicom;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Choices for writing DICOM JSON ({@link DicomJson}).
 *
 * @param bulkDataThreshold binary values (OB OD OF OL OV OW UN) longer than this many bytes are written as a
 *                          {@code BulkDataURI} when {@code bulkDataUri} is given; otherwise every binary value is
 *                          written inline as base64 ({@code InlineBinary})
 * @param bulkDataUri       makes the URI for a large binary value from its element and the path of tags leading to
 *                          it (e.g. {@code "00420011"} or {@code "0040A730/0/00420011"}); empty writes everything
 *                          inline
 */
public record DicomJsonOptions(long bulkDataThreshold, Optional<BiFunction<DicomElement, String, String>> bulkDataUri) {

    /** Validates. */
    public DicomJsonOptions {
        if (bulkDataThreshold < 0) {
            throw new IllegalArgumentException("bulkDataThreshold must not be negative");
        }
        Objects.requireNonNull(bulkDataUri, "bulkDataUri");
    }

    /** Everything inline. */
    public static DicomJsonOptions inline() {
        return new DicomJsonOptions(Long.MAX_VALUE, Optional.empty());
    }

    /** Values above the threshold become {@code BulkDataURI}s made by {@code uri}. */
    public static DicomJsonOptions withBulkDataUri(long threshold, BiFunction<DicomElement, String, String> uri) {
        return new DicomJsonOptions(threshold, Optional.of(uri));
    }
}

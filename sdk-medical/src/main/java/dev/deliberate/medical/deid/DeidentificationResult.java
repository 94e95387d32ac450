package dev.deliberate.medical.deid;

import dev.deliberate.medical.dicom.DicomObject;
import java.util.Objects;

/**
 * The outcome of de-identifying one dataset.
 *
 * @param dataset            the de-identified dataset
 * @param burnedInAnnotation what the source said about burned-in text (YES only under
 *                           {@link BurnedInAnnotationHandling#FLAG}); the pixels are never changed
 * @param removed            attributes removed (nested ones included)
 * @param replaced           attributes emptied or given dummy values
 * @param uidsReplaced       UID values replaced
 * @param cleaned            attributes cleaned (dates shifted, text masked)
 * @param report             what happened to each attribute, and why
 */
public record DeidentificationResult(DicomObject dataset, BurnedInAnnotation burnedInAnnotation, int removed,
        int replaced, int uidsReplaced, int cleaned, DeidentificationReport report) {

    /** Validates. */
    public DeidentificationResult {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(burnedInAnnotation, "burnedInAnnotation");
        Objects.requireNonNull(report, "report");
        if (removed < 0 || replaced < 0 || uidsReplaced < 0 || cleaned < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
    }
}

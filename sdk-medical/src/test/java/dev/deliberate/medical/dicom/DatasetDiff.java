package dev.deliberate.medical.dicom;

import java.util.List;

/** Public door to {@link DatasetCompare} for tests in other packages (networking, DICOMweb). */
public final class DatasetDiff {
    private DatasetDiff() {}

    /** Differences between two datasets, ignoring group lengths and even-length padding. */
    public static List<String> differences(DicomObject a, DicomObject b) {
        return DatasetCompare.differences(a, b);
    }
}

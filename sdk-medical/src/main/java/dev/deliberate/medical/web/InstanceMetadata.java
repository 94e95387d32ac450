package dev.deliberate.medical.web;

import dev.deliberate.medical.dicom.DicomObject;
import java.util.List;
import java.util.Objects;

/**
 * One instance's metadata from WADO-RS ({@code .../metadata}, DICOM JSON): every attribute the server gave inline,
 * and the bulk data it gave by URL instead. Attributes given by URL are not in {@code dataset}.
 *
 * @param dataset  the attributes given inline
 * @param bulkData the attributes given by {@code BulkDataURI}
 */
public record InstanceMetadata(DicomObject dataset, List<BulkDataReference> bulkData) {
    /** Copies the list. */
    public InstanceMetadata {
        Objects.requireNonNull(dataset, "dataset");
        bulkData = List.copyOf(bulkData);
    }
}

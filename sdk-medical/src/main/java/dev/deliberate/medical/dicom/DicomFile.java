package dev.deliberate.medical.dicom;

import java.util.Objects;

/**
 * A DICOM Part 10 file: its file meta information (group 0002) and its dataset.
 *
 * @param fileMeta       the file meta information (empty when the data had none)
 * @param dataset        the dataset
 * @param transferSyntax the transfer syntax the dataset was encoded in
 */
public record DicomFile(DicomObject fileMeta, DicomObject dataset, TransferSyntax transferSyntax) {

    /** Validates. */
    public DicomFile {
        Objects.requireNonNull(fileMeta, "fileMeta");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(transferSyntax, "transferSyntax");
    }
}

package dev.deliberate.medical.dicom;

import java.util.List;
import java.util.Objects;

/**
 * One record of a DICOMDIR (PS3.3 F.3): its type (PATIENT, STUDY, SERIES, IMAGE, SR DOCUMENT, ...), its attributes,
 * where it lies in the DICOMDIR file, and its lower-level records.
 *
 * @param type       Directory Record Type (0004,1430), e.g. {@code "PATIENT"}
 * @param attributes the record item (keys such as Patient ID, Study Instance UID, Referenced File ID)
 * @param offset     byte offset of the record item in the DICOMDIR file, or -1 when unknown
 * @param children   the records one level down, in directory order
 */
public record DirectoryRecord(String type, DicomObject attributes, long offset, List<DirectoryRecord> children) {

    /** Validates and copies. */
    public DirectoryRecord {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(attributes, "attributes");
        children = List.copyOf(children);
    }

    /** The Referenced File ID (0004,1500) components, e.g. {@code ["98892001", "CT2N", "6293"]}; empty if none. */
    public List<String> referencedFileId() {
        return attributes.getStrings(Tags.ReferencedFileID);
    }
}

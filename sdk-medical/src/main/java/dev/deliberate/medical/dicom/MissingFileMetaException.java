package dev.deliberate.medical.dicom;

import java.nio.file.Path;

/**
 * The data has no DICOM Part 10 preamble and file meta information (no {@code DICM} at byte 128). It may still be a
 * bare dataset, which a reader reads when {@link DicomReadOptions#allowMissingFileMeta()} is set; a caller that offers
 * that choice to a person can catch this type and say how.
 */
public class MissingFileMetaException extends DicomParseException {
    private static final long serialVersionUID = 1L;

    /**
     * @param file the file read, or null for in-memory data
     */
    public MissingFileMetaException(Path file) {
        super("not a DICOM Part 10 file (perhaps a bare dataset without file meta): no 'DICM' prefix",
                file, 128, null);
    }
}

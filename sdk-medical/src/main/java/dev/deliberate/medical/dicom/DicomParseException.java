package dev.deliberate.medical.dicom;

import dev.deliberate.core.DeliberateException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The bytes are not a DICOM dataset this reader accepts: truncated, malformed, or beyond a configured bound
 * ({@link DicomReadOptions}). It names the file, the byte offset and, when known, the tag being read.
 *
 * <p>Offsets count from the start of the file, except inside a deflated dataset, where they count from the start of
 * the inflated data (the message says so).
 */
public class DicomParseException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;
    private final Integer tag;
    private final String reason;

    /**
     * @param reason what is wrong
     * @param file   the file read, or null for in-memory data
     * @param offset byte offset where the problem was found
     * @param tag    the tag being read, or null
     */
    public DicomParseException(String reason, Path file, long offset, Integer tag) {
        this(reason, file, offset, tag, null);
    }

    /**
     * @param reason what is wrong
     * @param file   the file read, or null for in-memory data
     * @param offset byte offset where the problem was found
     * @param tag    the tag being read, or null
     * @param cause  the underlying failure, or null
     */
    public DicomParseException(String reason, Path file, long offset, Integer tag, Throwable cause) {
        super(format(reason, file, offset, tag), cause);
        this.file = file;
        this.offset = offset;
        this.tag = tag;
        this.reason = reason;
    }

    private static String format(String reason, Path file, long offset, Integer tag) {
        return (file == null ? "<bytes>" : file.toString()) + ": " + reason + " at byte offset " + offset
                + (tag == null ? "" : " in " + Tag.toString(tag)
                        + DataDictionary.standard().keyword(tag).map(k -> " " + k).orElse(""));
    }

    /** The file read, if the data came from a file. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** Byte offset where the problem was found. */
    public long offset() {
        return offset;
    }

    /** The packed tag being read when the problem was found. */
    public OptionalInt tag() {
        return tag == null ? OptionalInt.empty() : OptionalInt.of(tag);
    }

    /** The reason alone, without file and offset. */
    public String reason() {
        return reason;
    }
}

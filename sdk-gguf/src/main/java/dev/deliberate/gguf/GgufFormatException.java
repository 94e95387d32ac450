package dev.deliberate.gguf;

import dev.deliberate.core.DeliberateException;

/**
 * A file is not GGUF, or its header is malformed, truncated or beyond the configured {@link GgufLimits}.
 *
 * <p>The message names the file and the byte offset at which the problem was found, so a person can look at it with
 * a hex viewer. Nothing is retried: the same bytes fail the same way.
 */
public final class GgufFormatException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /** The file (or other source) that was read. */
    private final String source;
    /** Byte offset of the problem. */
    private final long offset;

    /**
     * @param source  the file (or other source) that was read, as given to the reader
     * @param offset  byte offset from the start of the file where the problem was found
     * @param problem what is wrong, without the file name or offset (they are added)
     */
    public GgufFormatException(String source, long offset, String problem) {
        super(source + ": " + problem + " (at byte offset " + offset + ")");
        this.source = source;
        this.offset = offset;
    }

    /** @return the file (or other source) that was read */
    public String source() {
        return source;
    }

    /** @return byte offset from the start of the file where the problem was found */
    public long offset() {
        return offset;
    }
}

package dev.deliberate.medical.web;

/**
 * A {@code multipart/related} body is malformed (RFC 2046) or beyond a bound: no or a bad boundary, a truncated part,
 * a part header or part larger than allowed, too many parts, or no final boundary. It names the part and the byte
 * offset in the body where the problem was found.
 */
public class MultipartException extends DicomWebProtocolException {
    private static final long serialVersionUID = 1L;

    private final long offset;
    private final int part;

    /**
     * @param reason what is wrong
     * @param part   the 1-based part being read, or 0 before the first part
     * @param offset byte offset in the multipart body
     */
    public MultipartException(String reason, int part, long offset) {
        super("multipart body: " + reason + (part > 0 ? " (part " + part + ", " : " (") + "byte offset " + offset
                + ")");
        this.part = part;
        this.offset = offset;
    }

    /** Byte offset in the multipart body where the problem was found. */
    public long offset() {
        return offset;
    }

    /** The 1-based part being read when the problem was found, or 0 before the first part. */
    public int part() {
        return part;
    }
}

package dev.deliberate.medical.web;

/**
 * Bounds on what the client reads from a server, so a faulty or hostile server cannot exhaust memory or disk.
 *
 * @param maxPartSize        largest body of one multipart part (one instance), in bytes
 * @param maxParts           most parts in one multipart response (instances in one retrieval)
 * @param maxPartHeaderBytes largest header block of one part, and largest preamble before the first boundary, in
 *                           bytes
 * @param maxJsonBytes       largest JSON response (QIDO results, metadata, STOW response), in bytes
 * @param maxResults         most datasets in one JSON array response
 */
public record DicomWebLimits(long maxPartSize, int maxParts, int maxPartHeaderBytes, long maxJsonBytes,
        int maxResults) {

    /** Validates the bounds. */
    public DicomWebLimits {
        if (maxPartSize < 1 || maxParts < 1 || maxPartHeaderBytes < 256 || maxJsonBytes < 1 || maxResults < 1) {
            throw new IllegalArgumentException("limits must be positive (maxPartHeaderBytes at least 256)");
        }
    }

    /**
     * The defaults: 4 GiB per instance, 1,000,000 instances per retrieval, 16 KiB of part headers, 256 MiB of JSON,
     * 1,000,000 datasets per JSON array.
     */
    public static DicomWebLimits defaults() {
        return new DicomWebLimits(4L << 30, 1_000_000, 16 * 1024, 256L << 20, 1_000_000);
    }

    /** These limits with another {@code maxPartSize}. */
    public DicomWebLimits withMaxPartSize(long max) {
        return new DicomWebLimits(max, maxParts, maxPartHeaderBytes, maxJsonBytes, maxResults);
    }

    /** These limits with another {@code maxParts}. */
    public DicomWebLimits withMaxParts(int max) {
        return new DicomWebLimits(maxPartSize, max, maxPartHeaderBytes, maxJsonBytes, maxResults);
    }

    /** These limits with another {@code maxPartHeaderBytes}. */
    public DicomWebLimits withMaxPartHeaderBytes(int max) {
        return new DicomWebLimits(maxPartSize, maxParts, max, maxJsonBytes, maxResults);
    }

    /** These limits with another {@code maxJsonBytes}. */
    public DicomWebLimits withMaxJsonBytes(long max) {
        return new DicomWebLimits(maxPartSize, maxParts, maxPartHeaderBytes, max, maxResults);
    }

    /** These limits with another {@code maxResults}. */
    public DicomWebLimits withMaxResults(int max) {
        return new DicomWebLimits(maxPartSize, maxParts, maxPartHeaderBytes, maxJsonBytes, max);
    }
}

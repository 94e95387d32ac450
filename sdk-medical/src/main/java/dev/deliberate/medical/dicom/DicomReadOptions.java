package dev.deliberate.medical.dicom;

/**
 * Bounds and choices for {@link DicomReader}. Every length, count and depth read from input is checked against these
 * limits, so malformed or hostile input fails with a {@link DicomParseException} instead of exhausting memory.
 *
 * @param maxElementLength    largest value length accepted, in bytes (lengths are also checked against the bytes
 *                            that remain)
 * @param maxSequenceDepth    deepest nesting of sequences accepted
 * @param maxItems            most items accepted in one sequence (and fragments in one encapsulated value)
 * @param maxElements         most elements accepted in the whole file, counting nested ones
 * @param bulkDataThreshold   OB OD OF OL OV OW UN values longer than this, and all pixel data and waveform data, are
 *                            not read but kept as {@link BulkData} references into the file (only when reading a
 *                            file that is neither deflated nor big endian)
 * @param stopBeforePixels    stop at the first top-level pixel data element (7FE0,0008/0009/0010); nothing after it
 *                            is read
 * @param allowMissingFileMeta accept data without the 128-byte preamble and "DICM" prefix (a bare dataset, or a
 *                            file meta group without preamble), guessing the transfer syntax from the first bytes
 * @param maxInflatedLength   largest size a deflated dataset may inflate to, in bytes
 * @param allowTruncated      accept data that ends early, as pydicom and DCMTK do: a value, item or sequence whose
 *                            declared length runs past the end keeps the bytes that are there, and open sequences
 *                            and items are closed at the end of the data (lengths are still bounded by the
 *                            maxima; a length running past an enclosing item is still an error)
 * @param resolveUnknownVRs   give standard attributes that the data encodes as UN (with a defined length) their
 *                            dictionary VR, as pydicom does, so that e.g. a Patient Name sent as UN is still read as
 *                            text; a UN sequence is parsed as implicit VR little endian. Values that do not fit the
 *                            dictionary VR stay UN
 * @param stopBeforeTag       stop at the first top-level dataset element whose tag (as an unsigned 32-bit number,
 *                            group then element) is at least this; nothing from there on is read. {@link #NO_STOP_TAG}
 *                            reads to the end. A reader that needs only the first attributes (a sender wanting the
 *                            SOP Class and Instance UIDs) reads a few elements instead of the whole header
 */
public record DicomReadOptions(long maxElementLength, int maxSequenceDepth, int maxItems, long maxElements,
        long bulkDataThreshold, boolean stopBeforePixels, boolean allowMissingFileMeta, long maxInflatedLength,
        boolean allowTruncated, boolean resolveUnknownVRs, long stopBeforeTag) {

    /** The {@code stopBeforeTag} that stops at no tag: the whole dataset is read. */
    public static final long NO_STOP_TAG = 1L << 32;

    /** Validates the bounds. */
    public DicomReadOptions {
        if (maxElementLength < 0 || maxElementLength > 0xFFFFFFFEL) {
            throw new IllegalArgumentException("maxElementLength must be 0..0xFFFFFFFE");
        }
        if (maxSequenceDepth < 1 || maxSequenceDepth > 1000) {
            throw new IllegalArgumentException("maxSequenceDepth must be 1..1000 (the reader recurses once per level)");
        }
        if (maxItems < 0 || maxElements < 0 || bulkDataThreshold < 0 || maxInflatedLength < 0) {
            throw new IllegalArgumentException("bounds must not be negative");
        }
        if (stopBeforeTag < 0 || stopBeforeTag > NO_STOP_TAG) {
            throw new IllegalArgumentException("stopBeforeTag must be a tag (0..0xFFFFFFFF) or NO_STOP_TAG");
        }
    }

    /**
     * The defaults: 1 GiB per element, depth 64, 1,000,000 items per sequence, 10,000,000 elements, bulk data above
     * 64 KiB kept lazy, read everything, require Part 10 framing, inflate to at most 1 GiB, reject truncated data, resolve UN to dictionary VRs.
     */
    public static DicomReadOptions defaults() {
        return new DicomReadOptions(1L << 30, 64, 1_000_000, 10_000_000, 64 * 1024, false, false, 1L << 30, false, true,
                NO_STOP_TAG);
    }

    /** These options with {@code stopBeforePixels} set. */
    public DicomReadOptions withStopBeforePixels(boolean stop) {
        return new DicomReadOptions(maxElementLength, maxSequenceDepth, maxItems, maxElements, bulkDataThreshold,
                stop, allowMissingFileMeta, maxInflatedLength, allowTruncated, resolveUnknownVRs, stopBeforeTag);
    }

    /** These options with {@code allowMissingFileMeta} set. */
    public DicomReadOptions withAllowMissingFileMeta(boolean allow) {
        return new DicomReadOptions(maxElementLength, maxSequenceDepth, maxItems, maxElements, bulkDataThreshold,
                stopBeforePixels, allow, maxInflatedLength, allowTruncated, resolveUnknownVRs, stopBeforeTag);
    }

    /** These options with another bulk data threshold. */
    public DicomReadOptions withBulkDataThreshold(long threshold) {
        return new DicomReadOptions(maxElementLength, maxSequenceDepth, maxItems, maxElements, threshold,
                stopBeforePixels, allowMissingFileMeta, maxInflatedLength, allowTruncated, resolveUnknownVRs,
                stopBeforeTag);
    }

    /** These options with another maximum element length. */
    public DicomReadOptions withMaxElementLength(long max) {
        return new DicomReadOptions(max, maxSequenceDepth, maxItems, maxElements, bulkDataThreshold,
                stopBeforePixels, allowMissingFileMeta, maxInflatedLength, allowTruncated, resolveUnknownVRs,
                stopBeforeTag);
    }

    /** These options with another maximum sequence depth. */
    public DicomReadOptions withMaxSequenceDepth(int max) {
        return new DicomReadOptions(maxElementLength, max, maxItems, maxElements, bulkDataThreshold,
                stopBeforePixels, allowMissingFileMeta, maxInflatedLength, allowTruncated, resolveUnknownVRs,
                stopBeforeTag);
    }

    /** These options with another maximum item count. */
    public DicomReadOptions withMaxItems(int max) {
        return new DicomReadOptions(maxElementLength, maxSequenceDepth, max, maxElements, bulkDataThreshold,
                stopBeforePixels, allowMissingFileMeta, maxInflatedLength, allowTruncated, resolveUnknownVRs,
                stopBeforeTag);
    }

    /** These options with {@code allowTruncated} set. */
    public DicomReadOptions withAllowTruncated(boolean allow) {
        return new DicomReadOptions(maxElementLength, maxSequenceDepth, maxItems, maxElements, bulkDataThreshold,
                stopBeforePixels, allowMissingFileMeta, maxInflatedLength, allow, resolveUnknownVRs, stopBeforeTag);
    }

    /** These options with {@code resolveUnknownVRs} set. */
    public DicomReadOptions withResolveUnknownVRs(boolean resolve) {
        return new DicomReadOptions(maxElementLength, maxSequenceDepth, maxItems, maxElements, bulkDataThreshold,
                stopBeforePixels, allowMissingFileMeta, maxInflatedLength, allowTruncated, resolve, stopBeforeTag);
    }

    /**
     * These options stopping at the first top-level dataset element whose tag is {@code tag} or greater (unsigned).
     *
     * @param tag a tag, e.g. {@code Tags.SOPInstanceUID + 1} to read up to and including the SOP Instance UID
     */
    public DicomReadOptions withStopBeforeTag(int tag) {
        return new DicomReadOptions(maxElementLength, maxSequenceDepth, maxItems, maxElements, bulkDataThreshold,
                stopBeforePixels, allowMissingFileMeta, maxInflatedLength, allowTruncated, resolveUnknownVRs,
                Integer.toUnsignedLong(tag));
    }

    /** These options with another maximum inflated length. */
    public DicomReadOptions withMaxInflatedLength(long max) {
        return new DicomReadOptions(maxElementLength, maxSequenceDepth, maxItems, maxElements, bulkDataThreshold,
                stopBeforePixels, allowMissingFileMeta, max, allowTruncated, resolveUnknownVRs, stopBeforeTag);
    }
}

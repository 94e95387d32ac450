package dev.deliberate.gguf;

/**
 * Upper bounds the reader enforces on top of "no more than the file holds". The defaults accept every published
 * model we know of (the largest vocabularies have about 260,000 tokens; chat templates are a few kilobytes) while a
 * hostile header cannot make the reader allocate more than a small multiple of the file's own size (numbers are
 * kept in primitive arrays: at most 8 bytes of heap per byte of file, for an array of UINT8).
 *
 * @param maxTensors       most tensor descriptions accepted
 * @param maxMetadataKeys  most metadata entries accepted
 * @param maxStringBytes   longest string (key, value or array element) in bytes
 * @param maxArrayElements most elements in one metadata array
 * @param maxArrayDepth    deepest nesting of arrays inside arrays (1 = arrays of scalars only)
 */
public record GgufLimits(int maxTensors, int maxMetadataKeys, int maxStringBytes, int maxArrayElements,
        int maxArrayDepth) {

    /** Checks every bound is positive. */
    public GgufLimits {
        if (maxTensors < 1 || maxMetadataKeys < 1 || maxStringBytes < 1 || maxArrayElements < 1
                || maxArrayDepth < 1) {
            throw new IllegalArgumentException("every GGUF limit must be at least 1: " + this);
        }
    }

    /**
     * @return 1,048,576 tensors, 65,536 keys, 16 MiB strings, 4,194,304 array elements, arrays nested 3 deep
     */
    public static GgufLimits defaults() {
        return new GgufLimits(1 << 20, 1 << 16, 16 << 20, 1 << 22, 3);
    }
}

package dev.deliberate.gguf;

import java.util.Optional;

/** The types a GGUF metadata value can have, with their numeric codes in the file. */
public enum GgufValueType {
    /** Unsigned 8-bit integer. */
    UINT8(0, 1),
    /** Signed 8-bit integer. */
    INT8(1, 1),
    /** Unsigned 16-bit integer. */
    UINT16(2, 2),
    /** Signed 16-bit integer. */
    INT16(3, 2),
    /** Unsigned 32-bit integer. */
    UINT32(4, 4),
    /** Signed 32-bit integer. */
    INT32(5, 4),
    /** IEEE 754 single precision. */
    FLOAT32(6, 4),
    /** One byte, 0 or 1. */
    BOOL(7, 1),
    /** UTF-8 text preceded by its byte length (uint64). */
    STRING(8, -1),
    /** Element type (uint32), element count (uint64), elements. */
    ARRAY(9, -1),
    /** Unsigned 64-bit integer. */
    UINT64(10, 8),
    /** Signed 64-bit integer. */
    INT64(11, 8),
    /** IEEE 754 double precision. */
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_CODE = values();

    private final int code;
    private final int size;

    GgufValueType(int code, int size) {
        this.code = code;
        this.size = size;
    }

    /** @return the numeric code of this type in a GGUF file */
    public int code() {
        return code;
    }

    /**
     * @return the encoded size in bytes of a value of this type, or the minimum size for {@link #STRING} (8) and
     *     {@link #ARRAY} (12)
     */
    public int minimumSize() {
        return switch (this) {
            case STRING -> 8;
            case ARRAY -> 12;
            default -> size;
        };
    }

    /** @return whether the type has a fixed encoded size (everything but strings and arrays) */
    public boolean isFixedSize() {
        return size > 0;
    }

    /** @return whether this is one of the eight integer types */
    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** @return whether this is {@link #FLOAT32} or {@link #FLOAT64} */
    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /**
     * @param code a numeric type code read from a file
     * @return the type with that code, if there is one
     */
    public static Optional<GgufValueType> byCode(long code) {
        for (GgufValueType t : BY_CODE) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}

package dev.deliberate.medical.dicom;

import java.util.Optional;

/**
 * DICOM value representations (PS3.5 section 6.2), including the ones added after 2010 ({@code UC UR UV SV OV OL OD
 * OF}).
 *
 * <p>Each constant knows how it is encoded: the explicit-VR header length, the padding byte used to make values even,
 * the size of one binary value, whether text is decoded with the Specific Character Set and whether the value holds
 * several values separated by backslashes.
 */
public enum VR {
    /** Application Entity. */
    AE(Kind.TEXT_ASCII, 0, false, true),
    /** Age String. */
    AS(Kind.TEXT_ASCII, 0, false, true),
    /** Attribute Tag. */
    AT(Kind.BINARY, 4, false, true),
    /** Code String. */
    CS(Kind.TEXT_ASCII, 0, false, true),
    /** Date. */
    DA(Kind.TEXT_ASCII, 0, false, true),
    /** Decimal String. */
    DS(Kind.TEXT_ASCII, 0, false, true),
    /** Date Time. */
    DT(Kind.TEXT_ASCII, 0, false, true),
    /** Floating Point Double. */
    FD(Kind.BINARY, 8, false, true),
    /** Floating Point Single. */
    FL(Kind.BINARY, 4, false, true),
    /** Integer String. */
    IS(Kind.TEXT_ASCII, 0, false, true),
    /** Long String. */
    LO(Kind.TEXT, 0, false, true),
    /** Long Text. */
    LT(Kind.TEXT, 0, false, false),
    /** Other Byte. */
    OB(Kind.BULK, 1, true, false),
    /** Other Double. */
    OD(Kind.BULK, 8, true, false),
    /** Other Float. */
    OF(Kind.BULK, 4, true, false),
    /** Other Long. */
    OL(Kind.BULK, 4, true, false),
    /** Other 64-bit Very Long. */
    OV(Kind.BULK, 8, true, false),
    /** Other Word. */
    OW(Kind.BULK, 2, true, false),
    /** Person Name. */
    PN(Kind.TEXT, 0, false, true),
    /** Short String. */
    SH(Kind.TEXT, 0, false, true),
    /** Signed Long. */
    SL(Kind.BINARY, 4, false, true),
    /** Sequence of Items. */
    SQ(Kind.SEQUENCE, 0, true, false),
    /** Signed Short. */
    SS(Kind.BINARY, 2, false, true),
    /** Short Text. */
    ST(Kind.TEXT, 0, false, false),
    /** Signed 64-bit Very Long. */
    SV(Kind.BINARY, 8, true, true),
    /** Time. */
    TM(Kind.TEXT_ASCII, 0, false, true),
    /** Unlimited Characters. */
    UC(Kind.TEXT, 0, true, true),
    /** Unique Identifier. */
    UI(Kind.TEXT_ASCII, 0, false, true),
    /** Unsigned Long. */
    UL(Kind.BINARY, 4, false, true),
    /** Unknown. */
    UN(Kind.BULK, 1, true, false),
    /** Universal Resource Identifier or Locator. */
    UR(Kind.TEXT_ASCII, 0, true, false),
    /** Unsigned Short. */
    US(Kind.BINARY, 2, false, true),
    /** Unlimited Text. */
    UT(Kind.TEXT, 0, true, false),
    /** Unsigned 64-bit Very Long. */
    UV(Kind.BINARY, 8, true, true);

    private enum Kind { TEXT, TEXT_ASCII, BINARY, BULK, SEQUENCE }

    private static final VR[] BY_CODE = new VR[65536];

    static {
        for (VR vr : values()) {
            BY_CODE[vr.code()] = vr;
        }
    }

    private final Kind kind;
    private final int valueSize;
    private final boolean longHeader;
    private final boolean multiValued;

    VR(Kind kind, int valueSize, boolean longHeader, boolean multiValued) {
        this.kind = kind;
        this.valueSize = valueSize;
        this.longHeader = longHeader;
        this.multiValued = multiValued;
    }

    /** The two ASCII characters as a big-endian 16-bit code, as they appear in an explicit-VR header. */
    public int code() {
        return (name().charAt(0) << 8) | name().charAt(1);
    }

    /**
     * Looks up a VR by its 16-bit code (first character in the high byte).
     *
     * @return the VR, or empty for bytes that are no VR
     */
    public static Optional<VR> fromCode(int code) {
        return code < 0 || code > 0xFFFF ? Optional.empty() : Optional.ofNullable(BY_CODE[code]);
    }

    /** As {@link #fromCode}, null for no VR: for the parser's per-element path, which allocates nothing. */
    static VR byCode(int code) {
        return code < 0 || code > 0xFFFF ? null : BY_CODE[code];
    }

    /** Looks up a VR by its two-letter name; empty for anything else. */
    public static Optional<VR> fromName(String name) {
        if (name == null || name.length() != 2) {
            return Optional.empty();
        }
        return fromCode((name.charAt(0) << 8) | name.charAt(1));
    }

    /**
     * The explicit-VR header length: 12 bytes (2-byte VR, 2 reserved bytes, 4-byte length) for OB OD OF OL OV OW SQ
     * SV UC UN UR UT UV, otherwise 8 bytes (2-byte VR, 2-byte length).
     */
    public int explicitHeaderLength() {
        return longHeader ? 12 : 8;
    }

    /** Whether the explicit-VR header uses a 32-bit length. */
    public boolean hasLongHeader() {
        return longHeader;
    }

    /** The byte that pads an odd-length value to even length: NUL for UI and binary VRs, a space for text. */
    public byte paddingByte() {
        return isText() && this != UI ? (byte) ' ' : 0;
    }

    /** Whether values are character strings. */
    public boolean isText() {
        return kind == Kind.TEXT || kind == Kind.TEXT_ASCII;
    }

    /** Whether text of this VR is decoded with the Specific Character Set (SH LO ST LT UC UT PN). */
    public boolean usesSpecificCharacterSet() {
        return kind == Kind.TEXT;
    }

    /** Whether this VR holds fixed-size binary numbers (AT FD FL SL SS SV UL US UV). */
    public boolean isBinaryNumber() {
        return kind == Kind.BINARY;
    }

    /** Whether this VR holds an opaque byte or word stream (OB OD OF OL OV OW UN), the candidates for bulk data. */
    public boolean isBulk() {
        return kind == Kind.BULK;
    }

    /** Whether this VR is SQ. */
    public boolean isSequence() {
        return kind == Kind.SEQUENCE;
    }

    /** Size in bytes of one binary value (for byte swapping and value counting); 0 for text and SQ, 1 for OB/UN. */
    public int valueSize() {
        return valueSize;
    }

    /** Whether a backslash separates several values (false for LT ST UT UR, binary streams and SQ). */
    public boolean isMultiValued() {
        return multiValued;
    }
}

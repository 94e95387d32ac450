package dev.deliberate.medical.dicom;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One data element: tag, VR and value. Immutable.
 *
 * <p>A value is one of: inline bytes (binary values in little-endian order, or text still in the bytes it was read
 * as, together with the {@link SpecificCharacterSet} to decode them), text set by a program, a {@link Sequence},
 * lazily read {@link BulkData}, or {@link EncapsulatedPixelData}. Text is decoded when asked for, so reading a
 * header costs no decoding of values nobody looks at.
 */
public final class DicomElement {
    /** Package-private: read directly where datasets are built, once per element. */
    final int tag;
    private final VR vr;
    private final Object value;
    private final SpecificCharacterSet charset;

    DicomElement(int tag, VR vr, Object value, SpecificCharacterSet charset) {
        this.tag = tag;
        this.vr = Objects.requireNonNull(vr, "vr");
        this.value = Objects.requireNonNull(value, "value");
        this.charset = charset == null ? SpecificCharacterSet.DEFAULT : charset;
    }

    /**
     * An element from encoded value bytes: little-endian numbers for binary VRs, or text in the given character set.
     *
     * @param bytes the value (copied); an odd length is allowed and is padded when written
     */
    public static DicomElement ofBytes(int tag, VR vr, byte[] bytes, SpecificCharacterSet charset) {
        if (vr == VR.SQ) {
            throw new IllegalArgumentException("SQ values are sequences, not bytes");
        }
        if (vr.isBinaryNumber() && bytes.length % vr.valueSize() != 0) {
            throw new IllegalArgumentException(vr + " value length " + bytes.length + " is not a multiple of "
                    + vr.valueSize());
        }
        return new DicomElement(tag, vr, bytes.clone(), charset);
    }

    /** An element from little-endian binary bytes (or ASCII text). */
    public static DicomElement ofBytes(int tag, VR vr, byte[] bytes) {
        return ofBytes(tag, vr, bytes, SpecificCharacterSet.DEFAULT);
    }

    /**
     * A text element; several values are joined with backslashes. Encoded with the dataset's character set when
     * written.
     */
    public static DicomElement ofStrings(int tag, VR vr, String... values) {
        if (!vr.isText()) {
            throw new IllegalArgumentException(vr + " is not a text VR; use ofInts, ofDoubles or ofBytes");
        }
        if (values.length > 1 && !vr.isMultiValued()) {
            throw new IllegalArgumentException(vr + " holds a single value");
        }
        for (String v : values) {
            Objects.requireNonNull(v, "value");
            if (vr.isMultiValued() && v.indexOf('\\') >= 0) {
                throw new IllegalArgumentException("a " + vr + " value may not contain a backslash: " + v);
            }
        }
        return new DicomElement(tag, vr, String.join("\\", values), null);
    }

    /** A numeric element (US SS UL SL SV UV AT, or IS/DS as text). */
    public static DicomElement ofLongs(int tag, VR vr, long... values) {
        switch (vr) {
            case IS:
            case DS: {
                String[] s = new String[values.length];
                for (int i = 0; i < values.length; i++) {
                    s[i] = Long.toString(values[i]);
                }
                return ofStrings(tag, vr, s);
            }
            case US: case SS: case UL: case SL: case SV: case UV: case AT: {
                int size = vr.valueSize();
                byte[] b = new byte[values.length * size];
                for (int i = 0; i < values.length; i++) {
                    long v = values[i];
                    checkRange(tag, vr, v);
                    if (vr == VR.AT) {
                        v = ((v >>> 16) & 0xFFFF) | ((v & 0xFFFF) << 16); // group first, then element
                    }
                    for (int k = 0; k < size; k++) {
                        b[i * size + k] = (byte) (v >>> (8 * k));
                    }
                }
                return new DicomElement(tag, vr, b, null);
            }
            case FL: case FD: {
                double[] d = new double[values.length];
                for (int i = 0; i < values.length; i++) {
                    d[i] = values[i];
                }
                return ofDoubles(tag, vr, d);
            }
            default:
                throw new IllegalArgumentException(vr + " does not hold integers");
        }
    }

    private static void checkRange(int tag, VR vr, long v) {
        boolean ok;
        switch (vr) {
            case US: ok = v >= 0 && v <= 0xFFFF; break;
            case SS: ok = v >= Short.MIN_VALUE && v <= Short.MAX_VALUE; break;
            case UL: ok = v >= 0 && v <= 0xFFFFFFFFL; break;
            case SL: ok = v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE; break;
            case AT: ok = v >= 0 && v <= 0xFFFFFFFFL || v >= Integer.MIN_VALUE && v < 0; break;
            default: ok = true;
        }
        if (!ok) {
            throw new IllegalArgumentException(v + " is out of range for " + vr + " in " + Tag.toString(tag));
        }
    }

    /** A floating point element (FL FD OF OD, or DS as text). */
    public static DicomElement ofDoubles(int tag, VR vr, double... values) {
        switch (vr) {
            case DS: {
                String[] s = new String[values.length];
                for (int i = 0; i < values.length; i++) {
                    s[i] = formatDS(values[i]);
                }
                return ofStrings(tag, vr, s);
            }
            case FL: case OF: {
                byte[] b = new byte[values.length * 4];
                for (int i = 0; i < values.length; i++) {
                    int bits = Float.floatToIntBits((float) values[i]);
                    for (int k = 0; k < 4; k++) {
                        b[i * 4 + k] = (byte) (bits >>> (8 * k));
                    }
                }
                return new DicomElement(tag, vr, b, null);
            }
            case FD: case OD: {
                byte[] b = new byte[values.length * 8];
                for (int i = 0; i < values.length; i++) {
                    long bits = Double.doubleToLongBits(values[i]);
                    for (int k = 0; k < 8; k++) {
                        b[i * 8 + k] = (byte) (bits >>> (8 * k));
                    }
                }
                return new DicomElement(tag, vr, b, null);
            }
            default:
                throw new IllegalArgumentException(vr + " does not hold floating point numbers");
        }
    }

    /** Formats a double in at most 16 characters, as DS requires. */
    static String formatDS(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("DS cannot hold " + v);
        }
        String s = (v == Math.rint(v) && Math.abs(v) < 1e15) ? Long.toString((long) v) : Double.toString(v);
        if (s.length() <= 16) {
            return s;
        }
        for (int p = 15; p > 0; p--) {
            String t = new BigDecimal(v).round(new java.math.MathContext(p)).stripTrailingZeros().toString();
            if (t.length() <= 16) {
                return t;
            }
        }
        throw new IllegalArgumentException("cannot format " + v + " as DS");
    }

    /** A sequence element. */
    public static DicomElement ofSequence(int tag, Sequence sequence) {
        return new DicomElement(tag, VR.SQ, sequence, null);
    }

    /** A bulk data element (OB OW OD OF OL OV UN, or any VR whose value is large). */
    public static DicomElement ofBulkData(int tag, VR vr, BulkData bulk) {
        if (vr == VR.SQ) {
            throw new IllegalArgumentException("SQ cannot be bulk data");
        }
        return new DicomElement(tag, vr, bulk, null);
    }

    /** An encapsulated pixel data element (OB). */
    public static DicomElement ofEncapsulated(int tag, EncapsulatedPixelData pixels) {
        return ofEncapsulated(tag, VR.OB, pixels);
    }

    /** An encapsulated pixel data element with the VR found in the data (OB, or OW from some writers). */
    public static DicomElement ofEncapsulated(int tag, VR vr, EncapsulatedPixelData pixels) {
        if (vr != VR.OB && vr != VR.OW) {
            throw new IllegalArgumentException("encapsulated pixel data must be OB or OW, not " + vr);
        }
        return new DicomElement(tag, vr, pixels, null);
    }

    /** Same value with another VR (for resolving ambiguous dictionary VRs such as US or SS). */
    DicomElement withVR(VR newVR) {
        return new DicomElement(tag, newVR, value, charset);
    }

    /** Same value under another tag (used for private blocks and copies). */
    public DicomElement withTag(int newTag) {
        return new DicomElement(newTag, vr, value, charset);
    }

    /** The packed tag. */
    public int tag() {
        return tag;
    }

    /** The value representation. */
    public VR vr() {
        return vr;
    }

    /** The character set raw text bytes are decoded with. */
    public SpecificCharacterSet charset() {
        return charset;
    }

    /** Whether the value is a sequence. */
    public boolean isSequence() {
        return value instanceof Sequence;
    }

    /** The sequence, when this is an SQ element. */
    public Optional<Sequence> sequence() {
        return value instanceof Sequence ? Optional.of((Sequence) value) : Optional.empty();
    }

    /** The bulk data, when the value was kept out of memory. */
    public Optional<BulkData> bulkData() {
        return value instanceof BulkData ? Optional.of((BulkData) value) : Optional.empty();
    }

    /** The encapsulated pixel data, when this is compressed pixel data. */
    public Optional<EncapsulatedPixelData> encapsulated() {
        return value instanceof EncapsulatedPixelData ? Optional.of((EncapsulatedPixelData) value)
                : Optional.empty();
    }

    /**
     * The value bytes when the value is inline: little-endian binary values, or text in its encoded form (text set
     * by a program is encoded with {@link #charset()}).
     */
    public Optional<byte[]> bytes() {
        if (value instanceof byte[]) {
            return Optional.of(((byte[]) value).clone());
        }
        if (value instanceof String) {
            return Optional.of(encodeText(charset));
        }
        return Optional.empty();
    }

    /** Internal: the inline byte array without copying (callers must not modify it), or null. */
    byte[] rawBytes() {
        return value instanceof byte[] ? (byte[]) value : null;
    }

    /** Internal: whether the text value is held as a String (set by a program), not as read bytes. */
    boolean isProgramText() {
        return value instanceof String;
    }

    /** Encodes a text value in the given character set (raw bytes are re-encoded only when the set differs). */
    byte[] encodeText(SpecificCharacterSet cs) {
        if (value instanceof byte[]) {
            if (!vr.usesSpecificCharacterSet() || cs.equals(charset)) {
                return (byte[]) value;
            }
            return cs.encode(decodedText(), vr == VR.PN);
        }
        String s = (String) value;
        if (!vr.usesSpecificCharacterSet()) {
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
        return cs.encode(s, vr == VR.PN);
    }

    /** The length of the value in bytes as encoded (before padding); -1 for sequences and encapsulated data. */
    public long length() {
        if (value instanceof byte[]) {
            return ((byte[]) value).length;
        }
        if (value instanceof BulkData) {
            return ((BulkData) value).length();
        }
        if (value instanceof String) {
            return encodeText(charset).length;
        }
        return -1;
    }

    /** Whether the value is empty (zero length, or a sequence without items). */
    public boolean isEmpty() {
        if (value instanceof byte[]) {
            return ((byte[]) value).length == 0;
        }
        if (value instanceof String) {
            return ((String) value).isEmpty();
        }
        if (value instanceof Sequence) {
            return ((Sequence) value).isEmpty();
        }
        if (value instanceof BulkData) {
            return ((BulkData) value).length() == 0;
        }
        return false;
    }

    private String decodedText() {
        if (value instanceof String) {
            return (String) value;
        }
        byte[] b = (byte[]) value;
        if (vr.usesSpecificCharacterSet()) {
            return charset.decode(b, 0, b.length, vr == VR.PN);
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /**
     * The whole text value, decoded, with trailing padding (spaces and NULs) removed; backslashes between values are
     * kept. Empty for non-text VRs and non-inline values.
     */
    public Optional<String> text() {
        if (!vr.isText() || !(value instanceof byte[] || value instanceof String)) {
            return Optional.empty();
        }
        return Optional.of(stripTrailing(decodedText()));
    }

    /**
     * The values as strings: text split at backslashes (for multi-valued VRs) with padding removed; binary numbers in
     * decimal (AT as {@code GGGGEEEE} hex). Empty for sequences, bulk data and zero-length values.
     */
    public List<String> strings() {
        if (vr.isText()) {
            Optional<String> t = text();
            if (t.isEmpty() || t.get().isEmpty()) {
                return List.of();
            }
            if (!vr.isMultiValued()) {
                return List.of(t.get());
            }
            String s = t.get();
            List<String> out = new ArrayList<>(4);
            int start = 0;
            boolean trimLeading = !vr.usesSpecificCharacterSet() && vr != VR.UI;
            for (int i = 0; i <= s.length(); i++) {
                if (i == s.length() || s.charAt(i) == '\\') {
                    String v = stripTrailing(s.substring(start, i));
                    out.add(trimLeading ? v.stripLeading() : v);
                    start = i + 1;
                }
            }
            return out;
        }
        if (vr.isBinaryNumber() && value instanceof byte[]) {
            List<String> out = new ArrayList<>();
            if (vr == VR.AT) {
                for (int t : tags()) {
                    out.add(String.format("%08X", t));
                }
            } else if (vr == VR.FL || vr == VR.FD) {
                for (double d : doubles()) {
                    out.add(vr == VR.FL ? Float.toString((float) d) : Double.toString(d));
                }
            } else if (vr == VR.UV) {
                for (long l : longs()) {
                    out.add(Long.toUnsignedString(l));
                }
            } else {
                for (long l : longs()) {
                    out.add(Long.toString(l));
                }
            }
            return out;
        }
        return List.of();
    }

    /**
     * {@code strings().get(0)} for a VR whose text is never in the specific character set (UI, CS, DA...), straight
     * from the bytes: no copy of the whole value, no list. A header scan asks for a few of these per file.
     */
    private Optional<String> firstAsciiValue(byte[] b) {
        int end = b.length;
        while (end > 0 && (b[end - 1] == ' ' || b[end - 1] == 0)) {
            end--;
        }
        if (end == 0) {
            return Optional.empty();
        }
        if (!vr.isMultiValued()) {
            return Optional.of(new String(b, 0, end, StandardCharsets.ISO_8859_1));
        }
        int cut = 0;
        while (cut < end && b[cut] != '\\') {
            cut++;
        }
        while (cut > 0 && (b[cut - 1] == ' ' || b[cut - 1] == 0)) {
            cut--;
        }
        int from = 0;
        if (vr != VR.UI) { // as strings(): other values lose leading white space too
            while (from < cut && Character.isWhitespace((char) (b[from] & 0xFF))) {
                from++;
            }
        }
        return Optional.of(new String(b, from, cut - from, StandardCharsets.ISO_8859_1));
    }

    private static String stripTrailing(String s) {
        int e = s.length();
        while (e > 0 && (s.charAt(e - 1) == ' ' || s.charAt(e - 1) == '\0')) {
            e--;
        }
        return e == s.length() ? s : s.substring(0, e);
    }

    /** The first value as a string. */
    public Optional<String> string() {
        if (value instanceof byte[] b && vr.isText() && !vr.usesSpecificCharacterSet()) {
            return firstAsciiValue(b);
        }
        List<String> s = strings();
        return s.isEmpty() ? Optional.empty() : Optional.of(s.get(0));
    }

    /**
     * The values as longs: binary integers (UL and UV unsigned; UV above 2^63 wraps), AT as packed tags, and IS/DS
     * text (DS must be integral).
     *
     * @throws DicomValueException when a value is not an integer
     */
    public long[] longs() {
        if (vr.isText()) {
            List<String> s = strings();
            long[] out = new long[s.size()];
            for (int i = 0; i < out.length; i++) {
                String v = s.get(i).strip();
                try {
                    out[i] = vr == VR.DS ? new BigDecimal(v).longValueExact() : Long.parseLong(v.startsWith("+")
                            ? v.substring(1) : v);
                } catch (NumberFormatException | ArithmeticException e) {
                    throw new DicomValueException(tag, "value '" + v + "' is not an integer");
                }
            }
            return out;
        }
        byte[] b = rawBytes();
        if (b == null || !vr.isBinaryNumber() || vr == VR.FL || vr == VR.FD) {
            if (vr == VR.FL || vr == VR.FD) {
                double[] d = doubles();
                long[] out = new long[d.length];
                for (int i = 0; i < d.length; i++) {
                    out[i] = (long) d[i];
                    if (out[i] != d[i]) {
                        throw new DicomValueException(tag, "value " + d[i] + " is not an integer");
                    }
                }
                return out;
            }
            if (b != null && (vr == VR.OW || vr == VR.OL || vr == VR.OV || vr == VR.OB || vr == VR.UN)) {
                int size = vr.valueSize();
                long[] out = new long[b.length / size];
                for (int i = 0; i < out.length; i++) {
                    out[i] = readUnsigned(b, i * size, size);
                }
                return out;
            }
            return new long[0];
        }
        int size = vr.valueSize();
        long[] out = new long[b.length / size];
        for (int i = 0; i < out.length; i++) {
            int o = i * size;
            switch (vr) {
                case US: out[i] = (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8; break;
                case SS: out[i] = (short) ((b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8); break;
                case UL: out[i] = readUnsigned(b, o, 4); break;
                case SL: out[i] = (int) readUnsigned(b, o, 4); break;
                case AT: out[i] = ((b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8) << 16
                        | ((b[o + 2] & 0xFF) | (b[o + 3] & 0xFF) << 8); out[i] &= 0xFFFFFFFFL; break;
                default: out[i] = readUnsigned(b, o, 8); break;
            }
        }
        return out;
    }

    private static long readUnsigned(byte[] b, int o, int size) {
        long v = 0;
        for (int k = size - 1; k >= 0; k--) {
            v = (v << 8) | (b[o + k] & 0xFF);
        }
        return v;
    }

    /**
     * The values as ints.
     *
     * @throws DicomValueException when a value is not an integer or does not fit an int
     */
    public int[] ints() {
        long[] l = longs();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] != (int) l[i] && vr != VR.AT) {
                throw new DicomValueException(tag, "value " + l[i] + " does not fit an int");
            }
            out[i] = (int) l[i];
        }
        return out;
    }

    /** The values of an AT element as packed tags. */
    public int[] tags() {
        if (vr != VR.AT) {
            return new int[0];
        }
        long[] l = longs();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = (int) l[i];
        }
        return out;
    }

    /**
     * The values as doubles: FL FD OF OD, DS and IS text, and binary integers.
     *
     * @throws DicomValueException when a text value is not a number
     */
    public double[] doubles() {
        if (vr == VR.DS || vr == VR.IS) {
            List<String> s = strings();
            double[] out = new double[s.size()];
            for (int i = 0; i < out.length; i++) {
                try {
                    out[i] = Double.parseDouble(s.get(i).strip());
                } catch (NumberFormatException e) {
                    throw new DicomValueException(tag, "value '" + s.get(i) + "' is not a number");
                }
            }
            return out;
        }
        byte[] b = rawBytes();
        if (b != null && (vr == VR.FL || vr == VR.OF)) {
            double[] out = new double[b.length / 4];
            for (int i = 0; i < out.length; i++) {
                out[i] = Float.intBitsToFloat((int) readUnsigned(b, i * 4, 4));
            }
            return out;
        }
        if (b != null && (vr == VR.FD || vr == VR.OD)) {
            double[] out = new double[b.length / 8];
            for (int i = 0; i < out.length; i++) {
                out[i] = Double.longBitsToDouble(readUnsigned(b, i * 8, 8));
            }
            return out;
        }
        if (vr.isBinaryNumber()) {
            long[] l = longs();
            double[] out = new double[l.length];
            for (int i = 0; i < l.length; i++) {
                out[i] = vr == VR.UV && l[i] < 0 ? Double.parseDouble(Long.toUnsignedString(l[i])) : l[i];
            }
            return out;
        }
        return new double[0];
    }

    /** The number of values (text values, binary numbers, or items). */
    public int valueCount() {
        if (value instanceof Sequence) {
            return ((Sequence) value).size();
        }
        if (vr.isText()) {
            return strings().size();
        }
        if (vr.isBinaryNumber() && value instanceof byte[]) {
            return ((byte[]) value).length / vr.valueSize();
        }
        return isEmpty() ? 0 : 1;
    }

    /** Internal: the value object. */
    Object value() {
        return value;
    }

    /** Same tag, VR and value (text compared decoded; bulk data by identity of its source range). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DicomElement)) {
            return false;
        }
        DicomElement e = (DicomElement) o;
        if (e.tag != tag || e.vr != vr) {
            return false;
        }
        if (vr.isText() && (value instanceof byte[] || value instanceof String)
                && (e.value instanceof byte[] || e.value instanceof String)) {
            return text().equals(e.text());
        }
        if (value instanceof byte[] && e.value instanceof byte[]) {
            return Arrays.equals((byte[]) value, (byte[]) e.value);
        }
        if (value instanceof BulkData && e.value instanceof BulkData) {
            BulkData a = (BulkData) value;
            BulkData b = (BulkData) e.value;
            return a.length() == b.length() && a.offset() == b.offset() && a.file().equals(b.file())
                    && (!a.inMemory() || a == b);
        }
        return value.equals(e.value);
    }

    @Override
    public int hashCode() {
        return tag * 31 + vr.hashCode();
    }

    /** {@code (0010,0010) PN [Doe^John]}, values shortened. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(Tag.toString(tag)).append(' ').append(vr).append(' ');
        if (value instanceof Sequence) {
            sb.append("(Sequence with ").append(((Sequence) value).size()).append(" items)");
        } else if (value instanceof BulkData) {
            sb.append(value);
        } else if (value instanceof EncapsulatedPixelData) {
            sb.append("(encapsulated, ").append(((EncapsulatedPixelData) value).fragments().size())
                    .append(" fragments)");
        } else if (vr.isText() || vr.isBinaryNumber()) {
            String s = String.join("\\", strings());
            sb.append('[').append(s.length() > 64 ? s.substring(0, 64) + "..." : s).append(']');
        } else {
            sb.append('(').append(((byte[]) value).length).append(" bytes)");
        }
        return sb.toString();
    }
}

package dev.deliberate.medical.dicom;

import java.util.Optional;

/**
 * A DICOM attribute tag: a 16-bit group and a 16-bit element, packed into one {@code int} ({@code 0xGGGGEEEE}).
 *
 * <p>The whole API addresses attributes by the packed {@code int} (see the generated constants in {@link Tags});
 * this record is the readable, comparable form with keyword lookup in the {@link DataDictionary}.
 *
 * @param value the packed tag {@code (group << 16) | element}
 */
public record Tag(int value) implements Comparable<Tag> {

    /** Item (FFFE,E000). */
    public static final int ITEM = 0xFFFEE000;
    /** Item Delimitation Item (FFFE,E00D). */
    public static final int ITEM_DELIMITATION = 0xFFFEE00D;
    /** Sequence Delimitation Item (FFFE,E0DD). */
    public static final int SEQUENCE_DELIMITATION = 0xFFFEE0DD;

    /** Creates a tag from its group and element numbers (each 0..0xFFFF). */
    public static Tag of(int group, int element) {
        if ((group & ~0xFFFF) != 0 || (element & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("group and element must be 16-bit: " + group + ", " + element);
        }
        return new Tag((group << 16) | element);
    }

    /** Creates a tag from its packed value. */
    public static Tag of(int value) {
        return new Tag(value);
    }

    /**
     * Parses {@code "(0010,0010)"}, {@code "00100010"} or {@code "0010,0010"}.
     *
     * @throws IllegalArgumentException when the text is none of these forms
     */
    public static Tag parse(String text) {
        String t = text.strip();
        if (t.startsWith("(") && t.endsWith(")")) {
            t = t.substring(1, t.length() - 1);
        }
        t = t.replace(",", "");
        if (t.length() != 8) {
            throw new IllegalArgumentException("not a tag: " + text);
        }
        try {
            return new Tag((int) Long.parseLong(t, 16));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a tag: " + text, e);
        }
    }

    /** Looks up the tag of a standard keyword such as {@code "PatientName"}. */
    public static Optional<Tag> forKeyword(String keyword) {
        var t = DataDictionary.standard().tagForKeyword(keyword);
        return t.isPresent() ? Optional.of(new Tag(t.getAsInt())) : Optional.empty();
    }

    /** The group number. */
    public int group() {
        return value >>> 16;
    }

    /** The element number. */
    public int element() {
        return value & 0xFFFF;
    }

    /** Whether the group is odd (a private attribute, including private creators). */
    public boolean isPrivate() {
        return isPrivate(value);
    }

    /** Whether this is a private creator element (gggg,0010-00FF) in an odd group. */
    public boolean isPrivateCreator() {
        return isPrivateCreator(value);
    }

    /** The standard keyword, or empty for private and unknown tags. */
    public Optional<String> keyword() {
        return DataDictionary.standard().keyword(value);
    }

    /** Whether the packed tag is in an odd (private) group. */
    public static boolean isPrivate(int tag) {
        return (tag & 0x00010000) != 0 && (tag >>> 16) > 0x0008 && tag >>> 16 != 0xFFFF;
    }

    /** Whether the packed tag is a private creator (gggg,0010-00FF) in an odd group. */
    public static boolean isPrivateCreator(int tag) {
        int el = tag & 0xFFFF;
        return isPrivate(tag) && el >= 0x0010 && el <= 0x00FF;
    }

    /** Formats a packed tag as {@code (GGGG,EEEE)} in upper-case hex. */
    public static String toString(int tag) {
        char[] c = new char[11];
        c[0] = '(';
        c[5] = ',';
        c[10] = ')';
        for (int i = 0; i < 4; i++) {
            c[4 - i] = HEX[(tag >>> (16 + 4 * i)) & 0xF];
            c[9 - i] = HEX[(tag >>> (4 * i)) & 0xF];
        }
        return new String(c);
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** {@code (GGGG,EEEE)}. */
    @Override
    public String toString() {
        return toString(value);
    }

    /** Orders tags as DICOM datasets do: by unsigned group, then element. */
    @Override
    public int compareTo(Tag o) {
        return Integer.compareUnsigned(value, o.value);
    }
}

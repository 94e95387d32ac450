package dev.deliberate.medical.dicom;

import java.util.Objects;

/**
 * A Person Name (PN) value: up to three component groups (alphabetic, ideographic, phonetic), each with family name,
 * given name, middle name, prefix and suffix (PS3.5 6.2.1).
 *
 * @param alphabetic  the single-byte (usually Latin) representation
 * @param ideographic the ideographic representation (e.g. kanji), empty when absent
 * @param phonetic    the phonetic representation (e.g. hiragana), empty when absent
 */
public record PersonName(Group alphabetic, Group ideographic, Group phonetic) {

    /** Validates. */
    public PersonName {
        Objects.requireNonNull(alphabetic, "alphabetic");
        Objects.requireNonNull(ideographic, "ideographic");
        Objects.requireNonNull(phonetic, "phonetic");
    }

    /**
     * One component group.
     *
     * @param familyName family name complex
     * @param givenName  given name complex
     * @param middleName middle name
     * @param prefix     name prefix
     * @param suffix     name suffix
     */
    public record Group(String familyName, String givenName, String middleName, String prefix, String suffix) {
        /** The empty group. */
        public static final Group EMPTY = new Group("", "", "", "", "");

        /** Validates. */
        public Group {
            Objects.requireNonNull(familyName, "familyName");
            Objects.requireNonNull(givenName, "givenName");
            Objects.requireNonNull(middleName, "middleName");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(suffix, "suffix");
        }

        static Group parse(String s) {
            String[] c = s.split("\\^", -1);
            return new Group(c.length > 0 ? c[0].strip() : "", c.length > 1 ? c[1].strip() : "",
                    c.length > 2 ? c[2].strip() : "", c.length > 3 ? c[3].strip() : "", c.length > 4 ? c[4].strip() : "");
        }

        /** Whether every component is empty. */
        public boolean isEmpty() {
            return familyName.isEmpty() && givenName.isEmpty() && middleName.isEmpty() && prefix.isEmpty()
                    && suffix.isEmpty();
        }

        /** The DICOM encoding, components joined with '^' and trailing empty components dropped. */
        public String toDicom() {
            String[] c = {familyName, givenName, middleName, prefix, suffix};
            int n = c.length;
            while (n > 0 && c[n - 1].isEmpty()) {
                n--;
            }
            return String.join("^", java.util.Arrays.copyOf(c, n));
        }
    }

    /** Parses a PN value such as {@code Yamada^Tarou=山田^太郎=やまだ^たろう}. */
    public static PersonName parse(String value) {
        String[] g = value.split("=", -1);
        return new PersonName(Group.parse(g[0]), g.length > 1 ? Group.parse(g[1]) : Group.EMPTY,
                g.length > 2 ? Group.parse(g[2]) : Group.EMPTY);
    }

    /** The DICOM encoding, trailing empty groups dropped. */
    public String toDicom() {
        if (!phonetic.isEmpty()) {
            return alphabetic.toDicom() + "=" + ideographic.toDicom() + "=" + phonetic.toDicom();
        }
        if (!ideographic.isEmpty()) {
            return alphabetic.toDicom() + "=" + ideographic.toDicom();
        }
        return alphabetic.toDicom();
    }
}

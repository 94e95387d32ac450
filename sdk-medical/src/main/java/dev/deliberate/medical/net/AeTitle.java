package dev.deliberate.medical.net;

import java.util.Objects;

/**
 * An Application Entity title (PS3.5 AE): 1 to 16 characters of printable ASCII other than backslash, not all
 * spaces. Leading and trailing spaces are not significant and are removed.
 *
 * @param value the title without padding
 */
public record AeTitle(String value) {

    /** Validates and strips the padding. */
    public AeTitle {
        Objects.requireNonNull(value, "value");
        value = value.strip();
        if (value.isEmpty() || value.length() > 16) {
            throw new IllegalArgumentException("AE title must have 1 to 16 characters, not '" + value + "'");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '\\') {
                throw new IllegalArgumentException("AE title '" + value + "' has a character that is not allowed"
                        + " (control, non-ASCII or backslash) at position " + i);
            }
        }
    }

    /** The title. */
    public static AeTitle of(String value) {
        return new AeTitle(value);
    }

    @Override
    public String toString() {
        return value;
    }
}

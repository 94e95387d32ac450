package dev.deliberate.cli.core;

/**
 * Makes untrusted text safe to print on a terminal: a model (or a crafted prompt, or a DICOM file) can hold CR, NUL,
 * ESC and other control characters that would overwrite lines, move the cursor or inject escape sequences. One
 * classification ({@link #unsafe(char)}: C0 and C1 controls, DEL, line and paragraph separators, bidirectional
 * overrides and isolates), two renderings:
 * <ul>
 * <li>{@link #sanitize} for generated text that flows over lines: line feeds and tabs stay; other C0 controls are
 * shown in caret notation ({@code ^M}, {@code ^@}, {@code ^[}), DEL as {@code ^?}, the rest as {@code <U+XXXX>}.
 * {@code --json} output carries the exact text instead;</li>
 * <li>{@link #oneLine} for a value printed on one line of a listing (e.g. {@code dicom dump}): every unsafe character,
 * line feed and tab included, becomes an escape ({@code \x1b} for ESC, a backslash-u escape above U+00FF); a
 * backslash stays a backslash.</li>
 * </ul>
 */
public final class TerminalText {

    private TerminalText() {}

    /** Whether {@code c} can change what a terminal shows beyond its own glyph. */
    static boolean unsafe(char c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }

    /** Generated text made safe for a terminal, line feeds and tabs kept (see the class comment). */
    public static String sanitize(String text) {
        return escape(text, true);
    }

    /** A value made safe for one line of a terminal listing (see the class comment). */
    public static String oneLine(String value) {
        return escape(value, false);
    }

    private static String escape(String text, boolean layout) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean replace = unsafe(c) && !(layout && (c == '\n' || c == '\t'));
            if (replace && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (!replace) {
                    out.append(c);
                } else if (!layout) {
                    out.append(c <= 0xff ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
                } else if (c < 0x20) {
                    out.append('^').append((char) (c + 64));
                } else if (c == 0x7f) {
                    out.append("^?");
                } else {
                    out.append(String.format("<U+%04X>", (int) c));
                }
            }
        }
        return out == null ? text : out.toString();
    }
}

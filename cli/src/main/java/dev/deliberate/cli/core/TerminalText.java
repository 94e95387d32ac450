package dev.deliberate.cli.core;

/**
 * Makes generated text safe to print on a terminal: a model (or a crafted prompt) can produce CR, NUL, ESC and other
 * control characters that would overwrite lines, move the cursor or inject escape sequences. Line feeds and tabs
 * stay; other C0 controls are shown in caret notation ({@code ^M}, {@code ^@}, {@code ^[}), DEL as {@code ^?}, C1
 * controls and bidirectional overrides as {@code <U+XXXX>}. {@code --json} output carries the exact text instead.
 */
final class TerminalText {

    private TerminalText() {}

    static String sanitize(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = replacement(c);
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static String replacement(char c) {
        if (c == '\n' || c == '\t') {
            return null;
        }
        if (c < 0x20) {
            return "^" + (char) (c + 64);
        }
        if (c == 0x7F) {
            return "^?";
        }
        if (c >= 0x80 && c <= 0x9F || c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069) {
            return String.format("<U+%04X>", (int) c);
        }
        return null;
    }
}

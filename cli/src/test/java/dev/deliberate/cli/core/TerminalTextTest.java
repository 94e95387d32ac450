package dev.deliberate.cli.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** One classification of unsafe characters, rendered for flowing text and for one-line values. */
class TerminalTextTest {

    static final String NASTY = "a\rb\u0000c\u001b[2J\u0007\td\ne\u007f\u009b\u2028\u202e\u2066f\\g";

    @Test
    void flowingTextKeepsLineFeedsAndTabsAndShowsTheRestInCaretOrCodePointNotation() {
        assertEquals("a^Mb^@c^[[2J^G\td\ne^?<U+009B><U+2028><U+202E><U+2066>f\\g", TerminalText.sanitize(NASTY));
    }

    @Test
    void oneLineValuesEscapeEveryUnsafeCharacterLineFeedsAndTabsIncluded() {
        assertEquals("a\\x0db\\x00c\\x1b[2J\\x07\\x09d\\x0ae\\x7f\\x9b\\u2028\\u202e\\u2066f\\g",
                TerminalText.oneLine(NASTY));
    }

    @Test
    void safeTextIsReturnedAsIs() {
        String s = "Größe 3 mm, naïve ✓";
        assertSame(s, TerminalText.sanitize(s));
        assertSame(s, TerminalText.oneLine(s));
    }
}

package dev.deliberate.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThinkParserTest {

    private static String[] parse(ThinkParser.Phase start, List<String> pieces) {
        StringBuilder thinking = new StringBuilder();
        StringBuilder answer = new StringBuilder();
        ThinkParser p = new ThinkParser(new ThinkParser.Output() {
            @Override
            public void thinking(String text) {
                thinking.append(text);
            }

            @Override
            public void answer(String text) {
                answer.append(text);
            }
        }, start);
        pieces.forEach(p::accept);
        p.finish();
        return new String[] {thinking.toString(), answer.toString()};
    }

    /** Every way of cutting {@code text} into three pieces gives the same split. */
    private static void assertAllSplits(ThinkParser.Phase start, String text, String thinking, String answer) {
        for (int i = 0; i <= text.length(); i++) {
            for (int j = i; j <= text.length(); j++) {
                List<String> pieces = new ArrayList<>(List.of(text.substring(0, i), text.substring(i, j),
                        text.substring(j)));
                String[] got = parse(start, pieces);
                assertEquals(thinking, got[0], "thinking for cuts " + i + "," + j);
                assertEquals(answer, got[1], "answer for cuts " + i + "," + j);
            }
        }
    }

    @Test
    void tagsSplitAnywhereAcrossPiecesAreFound() {
        assertAllSplits(ThinkParser.Phase.THINKING, "\nLet me think.\n</think>\n\nIt is 4.", "Let me think.", "It is 4.");
    }

    @Test
    void modelThatOpensThinkingItselfIsSplit() {
        assertAllSplits(ThinkParser.Phase.UNDECIDED, "<think>\nhmm, 2+2\n</think>\n\n4", "hmm, 2+2", "4");
    }

    @Test
    void redundantOpenTagAfterTemplateOpenedIsDropped() {
        assertAllSplits(ThinkParser.Phase.THINKING, "<think>x</think>y", "x", "y");
    }

    @Test
    void textWithoutTagsIsAllAnswer() {
        assertAllSplits(ThinkParser.Phase.UNDECIDED, "  The answer <b>is</b> 4 < 5", "", "The answer <b>is</b> 4 < 5");
    }

    @Test
    void strayTagsInTheAnswerAreRemoved() {
        assertAllSplits(ThinkParser.Phase.THINKING, "a</think>b<think>c</think>d", "a", "bcd");
    }

    @Test
    void partialTagAtTheEndIsPlainText() {
        assertAllSplits(ThinkParser.Phase.THINKING, "thinking </thi", "thinking </thi", "");
    }

    @Test
    void externalCloseMakesTheRestAnswer() {
        StringBuilder answer = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        ThinkParser p = new ThinkParser(new ThinkParser.Output() {
            @Override
            public void thinking(String text) {
                thinking.append(text);
            }

            @Override
            public void answer(String text) {
                answer.append(text);
            }
        }, ThinkParser.Phase.THINKING);
        p.accept("still thinking </th");
        p.closeThinking();
        p.accept("\n\nanswer");
        p.finish();
        assertEquals("still thinking </th", thinking.toString());
        assertEquals("answer", answer.toString());
        assertFalse(p.thinkingClosedByModel());
    }

    @Test
    void rawCloseEndPointsAfterTheModelsCloseTag() {
        ThinkParser p = new ThinkParser(new ThinkParser.Output() {
            @Override
            public void thinking(String text) { }

            @Override
            public void answer(String text) { }
        }, ThinkParser.Phase.THINKING);
        p.accept("ab</th");
        p.accept("ink>\n\ncd");
        assertTrue(p.thinkingClosedByModel());
        assertEquals("ab</think>".length(), p.rawCloseEnd());
    }
}

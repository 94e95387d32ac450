package dev.deliberate.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopMatcherTest {

    @Test
    void stopStringSplitAcrossPiecesEndsTheTextBeforeIt() {
        StopMatcher m = new StopMatcher(List.of("END"));
        StringBuilder out = new StringBuilder();
        for (String piece : List.of("one E", "N", "D two")) {
            out.append(m.accept(piece));
        }
        out.append(m.finish());
        assertEquals("one ", out.toString());
        assertTrue(m.stopped());
    }

    @Test
    void heldPrefixIsReleasedWhenItIsNotAStop() {
        StopMatcher m = new StopMatcher(List.of("END"));
        StringBuilder out = new StringBuilder();
        out.append(m.accept("the EN"));
        assertEquals("the ", out.toString());
        out.append(m.accept("ding"));
        out.append(m.finish());
        assertEquals("the ENding", out.toString());
    }
}

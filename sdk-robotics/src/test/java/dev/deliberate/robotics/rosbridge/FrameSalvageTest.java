package dev.deliberate.robotics.rosbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class FrameSalvageTest {

    @Test
    void recoversTopLevelFieldsWhateverComesBetweenThem() {
        String deep = "[".repeat(200_000) + "]".repeat(200_000);
        FrameSalvage.Fields f = FrameSalvage.scan("{\"args\":{\"id\":\"inner\",\"x\":" + deep + "},\"op\":"
                + "\"send_action_goal\" , \"id\":\"g\\\"1\\u0041\",\"action\":\"/a\"}");
        assertEquals(Optional.of("send_action_goal"), f.op());
        assertEquals(Optional.of("g\"1A"), f.id(), "escapes decoded; the nested id is not taken");
        assertEquals(Optional.of("/a"), f.action());
        assertTrue(f.isGoal());
    }

    @Test
    void keysInsideStringsAndNestedObjectsDoNotCount() {
        FrameSalvage.Fields f = FrameSalvage.scan("{\"task\":\"\\\"id\\\":\\\"fake\\\"\",\"nested\":{\"op\":"
                + "\"send_action_goal\",\"id\":\"x\"},\"op\":\"publish\"}");
        assertEquals(Optional.of("publish"), f.op());
        assertEquals(Optional.empty(), f.id());
        assertFalse(f.isGoal());
    }

    @Test
    void truncatedGarbageAndNonObjectsYieldNothingAndNeverThrow() {
        for (String text : new String[] {"", "[", "not json", "{\"op\":\"send_action_goal\",\"id\":\"unterminated",
                "{\"id\":5,\"op\":\"send_action_goal\"}", "\"{\\\"id\\\":\\\"a\\\"}\"", "{\"id\":\"\\u12\"}",
                "{\"id\":\"" + "x".repeat(FrameSalvage.MAX_FIELD_CHARS + 1) + "\",\"op\":\"send_action_goal\"}"}) {
            FrameSalvage.Fields f = FrameSalvage.scan(text);
            assertFalse(f.isGoal(), text.length() > 80 ? text.substring(0, 80) : text);
        }
    }
}

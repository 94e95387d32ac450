package dev.deliberate.samples.robot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class LaneObstacleAppTest {

    @Test
    void fallbackIsAnAllowedDecisionAndUnsafeOnesAreNot() throws Exception {
        var guard = LaneObstacleApp.guard();
        assertTrue(guard.parseAllowed(LaneObstacleApp.FALLBACK).isPresent());
        assertTrue(guard.parseAllowed("{\"action\":\"change_lane\",\"lane\":\"left\"}").isPresent());
        assertTrue(guard.parseAllowed("{\"action\":\"accelerate\"}").isEmpty());
        assertTrue(guard.parseAllowed("{\"action\":\"slow_down\",\"target_speed_mps\":90}").isEmpty());
        assertTrue(guard.parseAllowed("{\"action\":\"stop\",\"note\":\"extra field\"}").isEmpty());
        assertEquals(2, LaneObstacleApp.reflexes().size());
    }

    @Test
    void aMissingModelIsOneLineWithoutAStackTrace() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LaneObstacleApp.run(new String[] {"--model", "nope.gguf"}, new PrintWriter(out),
                new PrintWriter(err));
        assertEquals(1, code);
        assertEquals("robot-lane-obstacle: model file not found: nope.gguf" + System.lineSeparator(),
                err.toString());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        StringWriter err = new StringWriter();
        int code = LaneObstacleApp.run(new String[] {"--deadline-ms", "soon"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        assertEquals(2, code);
        assertTrue(err.toString().startsWith("Invalid value for option '--deadline-ms'"), err.toString());
    }
}

package dev.deliberate.samples.robot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sample as the README runs it: no arguments, the tiny generated model, one scenario per path. */
class LaneObstacleAppIT {

    @Test
    void runsOutOfTheBoxAndShowsTheReflexAndTheEscalatedPath() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LaneObstacleApp.run(new String[] {"--deadline-ms", "800"}, new PrintWriter(out),
                new PrintWriter(err));
        String text = out.toString();
        assertEquals(0, code, err + text);
        assertTrue(text.startsWith("model: a tiny generated model with random weights"), text);
        List<String> paths = text.lines().filter(l -> l.startsWith("path:")).toList();
        assertEquals(3, paths.size(), text);
        // 1. a box 6 m ahead: the reflex rule decides, no model call
        assertEquals("path:     reflex (obstacle closer than 8 m: stop without asking the model)", paths.get(0));
        // 2. a cone 35 m ahead: the fast answer, or deep reasoning / the fallback when it is not allowed or late
        assertTrue(paths.get(1).matches("path:     (fast|deep|fallback) .*"), paths.get(1));
        // 3. marked novel: escalated past reflexes and the fast answer (a fallback delivered by the server's watchdog
        // at the deadline does not carry the escalation reason; EscalationTest checks the escalation itself)
        assertTrue(paths.get(2).matches("path:     (deep \\(escalated: situation marked novel.*|fallback .*)"),
                paths.get(2));
        List<String> decisions = text.lines().filter(l -> l.startsWith("decision:")).toList();
        assertEquals(3, decisions.size());
        for (String d : decisions) {
            String json = d.substring("decision: ".length()).replace("  (safe fallback)", "").strip();
            assertTrue(parseAllowed(json), d);
        }
    }

    static boolean parseAllowed(String json) {
        try {
            return LaneObstacleApp.guard().parseAllowed(json).isPresent();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}

package dev.deliberate.samples.weld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample's README steps, run as written (with the README's defaults), on the tiny model and real llama.cpp. */
class WeldInspectionAppIT {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    @Test
    void askAnswersUnderTheProfileAndSaysWhetherToEscalate() {
        int code = WeldInspectionApp.run("ask", "--models-dir", dir.toString(), "Root pass, 40 mm crack.");
        String o = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(o.startsWith("{\"defect\":"), o);
        assertTrue(o.contains("weld-inspection@1.0.0: "), o);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("random weights"));
    }

    @Test
    void evalWritesTheReportForEveryBudget() throws Exception {
        Path report = dir.resolve("weld-report");
        int code = WeldInspectionApp.run("eval", "--models-dir", dir.toString(), "--profile",
                Path.of("profile").toString(), "--report", report.toString());
        String o = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        for (String b : new String[] {"budget 0 ", "budget 16 ", "budget 64 "}) {
            assertTrue(o.contains(b), o);
        }
        assertTrue(o.contains("valid 100.0%"), "the schema constrains every answer: " + o);
        assertTrue(Files.readString(report.resolve("report.md")).contains("| budget 64 |"));
    }

    @Test
    void aMissingModelIsOneLine() {
        Path nope = dir.resolve("nope.gguf");
        assertEquals(1, WeldInspectionApp.run("ask", "--model", nope.toString(), "x"));
        assertEquals("weld-inspection: " + nope + ": no such file\n", err.toString(StandardCharsets.UTF_8));
    }
}

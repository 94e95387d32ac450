package dev.deliberate.cli.dicom.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private long now;

    @Test
    void quietForShortTransfersThenALineEveryFiveSeconds() {
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), "stored", 300, false, () -> now);
        now = 1_900_000_000L;
        p.progress(100, 1_000_000);
        assertEquals("", text.toString(), "nothing in the first 2 s");
        now = 2_100_000_000L;
        p.progress(200, 2_500_000);
        now = 6_000_000_000L;
        p.progress(250, 3_000_000);
        now = 7_200_000_000L;
        p.progress(300, 3_600_000);
        p.done();
        assertEquals("deliberate: stored 200 of 300 instances (2.5 MB)\n"
                + "deliberate: stored 300 of 300 instances (3.6 MB)\n", text.toString());
    }

    @Test
    void onATerminalTheLineIsRewrittenInPlace() {
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), "received", 0, true, () -> now);
        now = 3_000_000_000L;
        p.progress(1, 1_000_000);
        now = 3_100_000_000L;
        p.progress(2, 2_000_000);
        p.done();
        assertEquals("\rdeliberate: received 1 instance (1.0 MB)\rdeliberate: received 2 instances (2.0 MB)\n",
                text.toString());
    }
}

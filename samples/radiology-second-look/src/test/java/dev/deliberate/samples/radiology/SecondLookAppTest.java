package dev.deliberate.samples.radiology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad arguments and bad input fail clearly, before any model is made or loaded, and leave no report behind. */
class SecondLookAppTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SecondLookApp.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, run("--frobnicate"));
        assertTrue(err().contains("unknown option --frobnicate") && err().contains("usage:"), err());
    }

    @Test
    void shortSaltIsRefused() {
        assertEquals(2, run(dir.toString(), "--salt", "short"));
        assertTrue(err().contains("at least 8 bytes"), err());
        assertFalse(err().contains("short\n"), "the salt is not echoed");
    }

    @Test
    void nonNumericBudgetIsAUsageError() {
        assertEquals(2, run("--thinking-tokens", "many"));
        assertTrue(err().contains("--thinking-tokens needs a whole number"), err());
    }

    @Test
    void missingInputFailsNamingIt() {
        Path missing = dir.resolve("nope.dcm");
        assertEquals(1, run(missing.toString(), "--salt", "0123456789", "--out", dir.resolve("out").toString(),
                "--model-cache", dir.resolve("cache").toString()));
        assertTrue(err().contains("input not found: " + missing), err());
        assertFalse(Files.exists(dir.resolve("cache")), "no model made for a run that cannot start");
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void nonDicomFileFailsAndWritesNothing() throws Exception {
        Path junk = Files.writeString(dir.resolve("report.txt"), "Patient: Jane Doe, not a DICOM file");
        assertEquals(1, run(junk.toString(), "--salt", "0123456789", "--out", dir.resolve("out").toString(),
                "--model-cache", dir.resolve("cache").toString()));
        assertTrue(err().contains("not a DICOM Part 10 file"), err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void folderWithoutDicomFailsCountingWhatItSkipped() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("study"));
        Files.write(folder.resolve("a.bin"), new byte[200]);
        Files.writeString(folder.resolve("notes.txt"), "nothing");
        assertEquals(1, run(folder.toString(), "--salt", "0123456789", "--out", dir.resolve("out").toString(),
                "--model-cache", dir.resolve("cache").toString()));
        assertTrue(err().contains("no DICOM Part 10 file under " + folder + " (2 other files skipped)"), err());
    }

    @Test
    void truncatedPart10FileFailsNamingTheFile() throws Exception {
        byte[] head = new byte[140];
        head[128] = 'D';
        head[129] = 'I';
        head[130] = 'C';
        head[131] = 'M';
        head[132] = 2; // a file meta element cut short
        Path bad = Files.write(dir.resolve("cut.dcm"), head);
        assertEquals(1, run(bad.toString(), "--salt", "0123456789", "--out", dir.resolve("out").toString(),
                "--model-cache", dir.resolve("cache").toString()));
        assertTrue(err().contains("cannot read " + bad), err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void helpPrintsUsage() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: radiology-second-look"));
    }
}

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

    /** The first line of standard error, which for a usage error is followed by the usage. */
    private String firstErrLine() {
        return err().lines().findFirst().orElse("");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, run("--frobnicate"));
        assertEquals("error: Unknown option: '--frobnicate'", firstErrLine());
        assertTrue(err().contains("Usage: radiology-second-look"), err());
    }

    @Test
    void shortSaltIsRefused() {
        assertEquals(2, run(dir.toString(), "--salt", "short"));
        assertEquals("error: the de-identification salt must have at least 8 bytes", firstErrLine());
        assertFalse(err().contains("short\n"), "the salt is not echoed");
    }

    @Test
    void emptySaltIsAnErrorNotARandomSalt() {
        // what --salt "$(cat ~/.deid-salt)" passes when the file is missing
        assertEquals(2, run(dir.toString(), "--salt", "", "--out", dir.resolve("out").toString()));
        assertEquals("error: --salt is empty (if it came from \"$(cat FILE)\", that file is missing or empty;"
                + " --salt-file FILE says which)", firstErrLine());
        assertFalse(err().contains("note: no --salt"), err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void missingSaltFileIsAnError() {
        Path missing = dir.resolve("no-such-salt");
        assertEquals(2, run(dir.toString(), "--salt-file", missing.toString()));
        assertEquals("error: --salt-file " + missing + ": no such file", firstErrLine());
    }

    @Test
    void emptySaltFileIsAnError() throws Exception {
        Path empty = Files.writeString(dir.resolve("salt"), "\n");
        assertEquals(2, run(dir.toString(), "--salt-file", empty.toString()));
        assertEquals("error: --salt-file " + empty + ": is empty", firstErrLine());
    }

    @Test
    void emptySaltVariableIsAnError() {
        int code = SecondLookApp.run(new String[] {dir.toString()}, Map.of(SecondLookApp.SALT_ENV, ""),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertEquals("error: $DELIBERATE_DEID_SALT is set but empty", firstErrLine());
    }

    @Test
    void saltAndSaltFileTogetherAreRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("salt"), "0123456789\n");
        assertEquals(2, run(dir.toString(), "--salt", "0123456789", "--salt-file", file.toString()));
        assertEquals("error: give --salt or --salt-file, not both", firstErrLine());
    }

    @Test
    void saltFileIsReadWithoutItsLineBreak() throws Exception {
        Path file = Files.writeString(dir.resolve("salt"), "0123456789\n");
        Path missing = dir.resolve("nope.dcm");
        // the salt is accepted (not a usage error); the run then fails on the missing input, before any model
        assertEquals(1, run(missing.toString(), "--salt-file", file.toString(), "--out", dir.resolve("out").toString(),
                "--model-cache", dir.resolve("cache").toString()));
        assertEquals("error: input not found: " + missing + "\n", err());
    }

    @Test
    void nonNumericBudgetIsAUsageError() {
        assertEquals(2, run("--thinking-tokens", "many"));
        assertEquals("error: Invalid value for option '--thinking-tokens': 'many' is not an int", firstErrLine());
    }

    @Test
    void nonPositiveDeadlineIsAUsageError() {
        assertEquals(2, run("--salt", "0123456789", "--deadline-s", "0"));
        assertEquals("error: --deadline-s must be at least 1, got 0", firstErrLine());
    }

    @Test
    void missingInputFailsNamingIt() {
        Path missing = dir.resolve("nope.dcm");
        assertEquals(1, run(missing.toString(), "--salt", "0123456789", "--out", dir.resolve("out").toString(),
                "--model-cache", dir.resolve("cache").toString()));
        assertEquals("error: input not found: " + missing + "\n", err());
        assertFalse(Files.exists(dir.resolve("cache")), "no model made for a run that cannot start");
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void nonDicomFileFailsAndWritesNothing() throws Exception {
        Path junk = Files.writeString(dir.resolve("report.txt"), "Patient: Jane Doe, not a DICOM file");
        assertEquals(1, run(junk.toString(), "--salt", "0123456789", "--out", dir.resolve("out").toString(),
                "--model-cache", dir.resolve("cache").toString()));
        assertEquals("error: not a DICOM Part 10 file (no 128-byte preamble followed by DICM): " + junk + "\n", err());
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
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: radiology-second-look"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--salt-file"));
    }
}

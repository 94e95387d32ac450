package dev.deliberate.samples.radiology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.Tags;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's "Build and run" commands as written (all but the build line, which the build itself is), in bash,
 * from a folder laid out like the repository root, with a fresh home folder: the packaged jar, the salt file, the
 * default output folder.
 */
class SecondLookReadmeIT {

    @TempDir
    Path work;

    @TempDir
    Path home;

    /** The shell lines of the README's first code block after "## Build and run", without the build line. */
    static List<String> readmeCommands() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## Build and run");
        int start = readme.indexOf("```\n", section) + 4;
        int end = readme.indexOf("```", start);
        return readme.substring(start, end).lines().filter(l -> !l.isBlank() && !l.startsWith("./mvnw")).toList();
    }

    @Test
    void theReadmeCommandsRunAsWritten() throws Exception {
        Peers.require(Files.isRegularFile(Peers.CT_SMALL), "pydicom test file " + Peers.CT_SMALL);
        List<String> commands = readmeCommands();
        assertTrue(commands.stream().anyMatch(l -> l.startsWith("java -jar ")), commands::toString);
        Path target = Path.of("target").toAbsolutePath();
        assertTrue(Files.isRegularFile(target.resolve("radiology-second-look.jar")), "packaged before the ITs");
        Files.createDirectories(work.resolve("samples/radiology-second-look"));
        Files.createSymbolicLink(work.resolve("samples/radiology-second-look/target"), target);

        String out = bash(String.join("\n", commands));
        assertTrue(out.contains("SR:          second-look-out/second-look-sr.dcm"), out);
        assertFalse(out.contains("random salt"), out);
        assertTrue(Files.isRegularFile(home.resolve(".deid-salt")), "the README made the salt file");
        Path sr = work.resolve("second-look-out").resolve(SecondLook.SR_FILE);
        String study = DicomReader.standard().read(sr).dataset().getString(Tags.StudyInstanceUID).orElseThrow();
        assertTrue(Files.isRegularFile(work.resolve("second-look-out").resolve(SecondLook.PNG_FILE)), "--png");

        // run again as written: the salt file is kept, so the same study gets the same de-identified UID
        String again = bash(String.join("\n", commands));
        assertTrue(again.contains("study (de-identified): " + study), again);
    }

    private String bash(String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-e", "-c", script).directory(work.toFile())
                .redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove(SecondLookApp.SALT_ENV);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }
}

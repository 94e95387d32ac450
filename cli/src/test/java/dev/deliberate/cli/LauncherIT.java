package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./deliberate} launcher script around the packaged jar: {@code dicom scan} makes an AppCDS archive on its
 * first successful run and maps it afterwards; a missing, stale or corrupt archive never changes a command's output
 * or exit code; other commands run as before. Each test runs the real script over a copy of the jar in a temporary
 * root (with no sources beside it, so the script never starts a build).
 */
class LauncherIT {

    @TempDir
    Path root;

    private Path jar;
    private Path archive;
    private Path scanDir;

    @BeforeEach
    void layOutRoot() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        Path cliTarget = Files.createDirectories(root.resolve("cli/target"));
        Files.copy(Path.of("../deliberate"), root.resolve("deliberate"));
        root.resolve("deliberate").toFile().setExecutable(true);
        jar = cliTarget.resolve("deliberate-cli.jar");
        Files.copy(target.resolve("deliberate-cli.jar"), jar, StandardCopyOption.COPY_ATTRIBUTES);
        Files.createSymbolicLink(cliTarget.resolve("lib"), target.resolve("lib"));
        archive = cliTarget.resolve("cds/dicom-scan.jsa");
        scanDir = Files.createDirectories(root.resolve("scan"));
        for (int i = 0; i < 4; i++) {
            DicomWriter.standard().write(DicomObject.builder()
                    .setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
                    .setString(Tags.SOPInstanceUID, "2.25.10" + i)
                    .setString(Tags.StudyInstanceUID, "2.25.1")
                    .setString(Tags.SeriesInstanceUID, "2.25.2" + (i % 2))
                    .setString(Tags.Modality, "OT")
                    .build(), scanDir.resolve("f" + i + ".dcm"));
        }
        Files.writeString(scanDir.resolve("notes.txt"), "not dicom");
    }

    private record Run(int code, String out, String err) {}

    private Run launch(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", root.resolve("deliberate").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
        pb.environment().remove("DELIBERATE_JAVA_OPTS");
        pb.environment().remove("DELIBERATE_NO_CDS");
        pb.environment().putAll(env);
        Path out = root.resolve("stdout.txt");
        Path err = root.resolve("stderr.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher did not finish");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Exactly one JSON line with the counts of the tree written above, nothing on standard error. */
    private static void assertScanOutput(Run r) throws IOException {
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().endsWith("\n") && r.out().indexOf('\n') == r.out().length() - 1, r.out());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(5, j.get("files").asInt());
        assertEquals(1, j.get("studies").asInt());
        assertEquals(2, j.get("series").asInt());
        assertEquals(1, j.get("errors").asInt());
    }

    /** The CLI's own classes come from the archive (the JDK's default archive holds none of them). */
    private void assertScanMapsTheArchive() throws Exception {
        Path log = root.resolve("class-load.txt");
        assertScanOutput(launch(Map.of("DELIBERATE_JAVA_OPTS", "-Xlog:class+load=info:file=" + log),
                "dicom", "scan", scanDir.toString()));
        String loaded = Files.readString(log);
        assertTrue(loaded.contains("dev.deliberate.cli.dicom.ScanRequest source: shared objects file"), loaded);
        // a plain scan never loads picocli (whose classes no archive can hold, and whose model costs ~80 ms cold)
        assertFalse(loaded.contains("picocli."), "picocli loaded for a plain scan");
        assertTrue(loaded.contains("dev.deliberate.medical.dicom.DicomReader source: shared objects file"), loaded);
    }

    @Test
    void firstScanMakesTheArchiveAndLaterScansMapIt() throws Exception {
        assertFalse(Files.exists(archive));
        assertScanOutput(launch(Map.of(), "dicom", "scan", scanDir.toString()));
        assertTrue(Files.size(archive) > 0, "archive written");
        assertTrue(Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0);
        try (var s = Files.list(archive.getParent())) {
            assertEquals(2, s.count(), "only the archive and its java stamp remain, no temporary files");
        }
        assertScanMapsTheArchive();
    }

    @Test
    void archiveOlderThanTheJarIsRemade() throws Exception {
        assertScanOutput(launch(Map.of(), "dicom", "scan", scanDir.toString()));
        FileTime jarTime = Files.getLastModifiedTime(jar);
        Files.setLastModifiedTime(archive, FileTime.fromMillis(jarTime.toMillis() - 60_000)); // as after a rebuild
        assertScanOutput(launch(Map.of(), "dicom", "scan", scanDir.toString()));
        assertTrue(Files.getLastModifiedTime(archive).compareTo(jarTime) > 0, "remade");
        assertScanMapsTheArchive();
    }

    @Test
    void archiveMadeByAnotherJavaIsRemade() throws Exception {
        assertScanOutput(launch(Map.of(), "dicom", "scan", scanDir.toString()));
        Path stamp = archive.resolveSibling("dicom-scan.jsa.java");
        Files.writeString(stamp, "/some/other/jdk/bin/java\n");
        assertScanOutput(launch(Map.of(), "dicom", "scan", scanDir.toString()));
        assertFalse(Files.readString(stamp).startsWith("/some/other"), "stamp rewritten with this java");
    }

    @Test
    void archiveTheJvmRejectsIsNotFatal() throws Exception {
        assertScanOutput(launch(Map.of(), "dicom", "scan", scanDir.toString()));
        // the jar's recorded time no longer matches (the launcher still sees a newer archive): the JVM drops it
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
        assertScanOutput(launch(Map.of(), "dicom", "scan", scanDir.toString()));
        // and an archive that is not one at all
        byte[] junk = new byte[64 * 1024];
        new java.util.Random(7).nextBytes(junk);
        Files.delete(archive);
        Files.write(archive, junk);
        assertScanOutput(launch(Map.of(), "dicom", "scan", scanDir.toString()));
    }

    @Test
    void failedFirstRunPublishesNoArchive() throws Exception {
        Path missing = root.resolve("nope");
        Run r = launch(Map.of(), "dicom", "scan", missing.toString());
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertEquals("deliberate: " + missing + ": no such file or directory\n", r.err());
        assertFalse(Files.exists(archive));
        try (var s = Files.list(archive.getParent())) {
            assertEquals(0, s.count(), "no temporary files left behind");
        }
    }

    @Test
    void otherCommandsRunWithoutAnArchive() throws Exception {
        Run r = launch(Map.of(), "--version");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("deliberate "), r.out());
        r = launch(Map.of(), "dicom", "dump", scanDir.resolve("f0.dcm").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2.25.100"), r.out());
        assertFalse(Files.exists(archive.getParent()), "no archive for commands other than dicom scan");
    }
}

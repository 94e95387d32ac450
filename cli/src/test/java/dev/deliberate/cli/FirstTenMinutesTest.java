package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.VR;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer sees first (issue "Integrator experience", items 1, 2, 3 and 7): every file error names the file and
 * says what is wrong in words, hints name CLI options rather than Java API, values from a file cannot drive the
 * terminal, and bad option values are usage errors. Exact standard error is asserted.
 */
class FirstTenMinutesTest extends InProcessCli {

    @TempDir
    Path tmp;

    private Path image() throws IOException {
        Path f = tmp.resolve("img.dcm");
        DicomWriter.standard().write(DicomObject.builder()
                .setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
                .setString(Tags.SOPInstanceUID, "2.25.42")
                .setString(Tags.StudyInstanceUID, "2.25.1")
                .setString(Tags.SeriesInstanceUID, "2.25.2")
                .setString(Tags.Modality, "OT")
                .setString(Tags.PatientName, "Doe^Jane")
                .setString(Tags.PatientID, "P1")
                .build(), f);
        return f;
    }

    @Test
    void missingFileIsNamedWithTheReasonInWords() {
        Path nope = tmp.resolve("nope.dcm");
        assertEquals(1, run("dicom", "dump", nope.toString()));
        assertEquals("deliberate: " + nope + ": no such file or directory\n", err());
    }

    @Test
    void aDirectoryGivenAsAFileIsNamed() {
        assertEquals(1, run("dicom", "dump", tmp.toString()));
        assertEquals("deliberate: " + tmp + ": is a directory, not a DICOM file\n", err());
    }

    @Test
    void bareDatasetHintNamesTheLenientOptionNotJavaApi() throws IOException {
        Path bare = tmp.resolve("bare.dcm");
        Files.write(bare, new byte[300]);
        assertEquals(1, run("dicom", "dump", bare.toString()));
        assertEquals("deliberate: " + bare + ": not a DICOM Part 10 file (perhaps a bare dataset without file meta): "
                + "no 'DICM' prefix at byte offset 128 (use --lenient to read a bare dataset)\n", err());
        assertFalse(err().contains("DicomReadOptions"));
    }

    @Test
    void renderFailuresNameTheInputFile() throws IOException {
        Path in = image();
        Path png = tmp.resolve("out.png");
        assertEquals(1, run("dicom", "render", in.toString(), png.toString()));
        assertEquals("deliberate: " + in + ": the dataset has no Pixel Data (7FE0,0010)\n", err());
        assertFalse(Files.exists(png));
    }

    @Test
    void renderRefusesAnOutputThatIsNotPng() throws IOException {
        Path in = image();
        assertEquals(2, run("dicom", "render", in.toString(), tmp.resolve("x.jpg").toString()));
        assertTrue(err().startsWith("OUT must be a .png file (render writes PNG), got " + tmp.resolve("x.jpg") + "\n"),
                err());
        assertEquals(2, run("dicom", "render", in.toString(), tmp.toString()));
        assertTrue(err().startsWith("OUT must be a .png file"), err());
    }

    @Test
    void srCreatesMissingFoldersLikeRenderDoes() throws IOException {
        Path in = image();
        Path out = tmp.resolve("sr/sub/report.dcm");
        assertEquals(0, run("dicom", "sr", "--ref", in.toString(), "--finding", "none", "--impression", "normal",
                "--out", out.toString()), err());
        assertTrue(Files.isRegularFile(out));
    }

    @Test
    void srIntoADirectoryNamesItNotATemporaryFile() throws IOException {
        Path in = image();
        assertEquals(1, run("dicom", "sr", "--ref", in.toString(), "--finding", "none", "--impression", "normal",
                "--out", tmp.toString()));
        assertEquals("deliberate: " + tmp + ": is a directory (give a file name)\n", err());
    }

    @Test
    void dumpEscapesControlCharactersSoAFileCannotFakeLinesOrDriveTheTerminal() throws IOException {
        Path f = tmp.resolve("evil.dcm");
        DicomWriter.standard().write(DicomObject.builder()
                .setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
                .setString(Tags.SOPInstanceUID, "2.25.43")
                .setString(Tags.ImageComments, "ok\r\nFAKE: (0010,0010) PN [Someone^Else]\u001b[2J\u0007\b")
                .build(), f);
        assertEquals(0, run("dicom", "dump", f.toString()), err());
        assertTrue(out().contains("[ok\\x0d\\x0aFAKE: (0010,0010) PN [Someone^Else]\\x1b[2J\\x07\\x08]"), out());
        for (char c : out().toCharArray()) {
            assertFalse(c != '\n' && Character.isISOControl(c), "raw control character " + (int) c);
        }
        assertFalse(out().lines().anyMatch(l -> l.startsWith("FAKE")));
    }

    @Test
    void badOptionValuesAreUsageErrors() throws IOException {
        Path in = image();
        assertEquals(2, run("dicom", "dump", "--max-width", "-3", in.toString()));
        assertTrue(err().startsWith("--max-width must be at least 8, got -3\n"), err());
        assertEquals(2, run("dicom", "scan", "--threads", "-1", tmp.toString()));
        assertTrue(err().startsWith("--threads must be between 1 and 256, got -1\n"), err());
    }

    @Test
    void scanHasLenientLikeDump() throws IOException {
        image();
        Path bare = tmp.resolve("bare.dcm");
        Files.write(bare, new byte[300]);
        assertEquals(0, run("dicom", "scan", tmp.toString()), err());
        assertTrue(out().contains("\"errors\":1"), out());
        assertEquals(0, run("dicom", "scan", "--lenient", "--list-errors", tmp.toString()), err());
        assertTrue(out().contains("\"files\":2"), out());
    }

    @Test
    void noCommandIsAUsageError() {
        assertEquals(2, run());
        assertTrue(err().startsWith("deliberate: a command is required\nUsage: deliberate"), err());
        assertEquals("", out());
    }
}

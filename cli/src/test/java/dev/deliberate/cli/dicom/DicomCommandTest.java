package dev.deliberate.cli.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.medical.dicom.DicomJson;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.VR;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DicomCommandTest {
    @TempDir
    Path tmp;

    private static DicomObject image(int study, int series, int n) {
        return DicomObject.builder()
                .setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.2")
                .setString(Tags.SOPInstanceUID, "2.25." + study + series + n)
                .setString(Tags.PatientName, "Doe^Jane")
                .setString(Tags.StudyInstanceUID, "2.25.1" + study)
                .setString(Tags.SeriesInstanceUID, "2.25.2" + study + series)
                .setBytes(Tags.PixelData, VR.OW, new byte[64])
                .build();
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new DicomCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void scanCountsFilesStudiesSeriesAndErrors() throws Exception {
        for (int i = 0; i < 6; i++) {
            DicomWriter.standard().write(image(i % 2, i % 3, i), tmp.resolve("f" + i + ".dcm"));
        }
        Files.writeString(tmp.resolve("notes.txt"), "not dicom");
        String[] r = run("scan", tmp.toString());
        assertEquals("0", r[0], r[2]);
        JsonNode j = new ObjectMapper().readTree(r[1]);
        assertEquals(7, j.get("files").asInt());
        assertEquals(2, j.get("studies").asInt());
        assertEquals(6, j.get("series").asInt());
        assertEquals(1, j.get("errors").asInt());
        assertTrue(j.has("elapsedMs"));
    }

    @Test
    void dumpPrintsElementsWithKeywords() throws Exception {
        Path f = tmp.resolve("a.dcm");
        DicomWriter.standard().write(image(1, 1, 1), f);
        String[] r = run("dump", f.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("(0010,0010) PN [Doe^Jane]"), r[1]);
        assertTrue(r[1].contains("PatientName"), r[1]);
    }

    @Test
    void dumpJsonIsDicomJson() throws Exception {
        Path f = tmp.resolve("a.dcm");
        DicomWriter.standard().write(image(1, 1, 1), f);
        String[] r = run("dump", "--json", f.toString());
        assertEquals("0", r[0], r[2]);
        DicomObject back = DicomJson.read(r[1], uri -> dev.deliberate.medical.dicom.BulkData.ofBytes(new byte[0]));
        assertEquals("Doe^Jane", back.getString(Tags.PatientName).orElseThrow());
    }

    @Test
    void dumpOfBrokenFileFailsWithOffset() throws Exception {
        Path f = tmp.resolve("broken.dcm");
        Files.write(f, new byte[140]);
        String[] r = run("dump", f.toString());
        assertEquals("1", r[0]);
    }
}

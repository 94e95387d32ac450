package dev.deliberate.cli.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomReader;
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

class DeidRenderSrCommandTest {
    @TempDir
    Path tmp;

    static DicomObject image(String sop, String burnedIn) {
        return DicomObject.builder()
                .setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
                .setString(Tags.SOPInstanceUID, sop)
                .setString(Tags.StudyInstanceUID, "1.2.3.4")
                .setString(Tags.SeriesInstanceUID, "1.2.3.4.5")
                .setString(Tags.PatientName, "Doe^Jane").setString(Tags.PatientID, "P-42")
                .setString(Tags.Modality, "OT").setString(Tags.BurnedInAnnotation, burnedIn)
                .setInt(Tags.Rows, 2).setInt(Tags.Columns, 2).setInt(Tags.SamplesPerPixel, 1)
                .setString(Tags.PhotometricInterpretation, "MONOCHROME2").setInt(Tags.BitsAllocated, 8)
                .setInt(Tags.BitsStored, 8).setInt(Tags.HighBit, 7).setInt(Tags.PixelRepresentation, 0)
                .setBytes(Tags.PixelData, VR.OB, new byte[] {0, 64, (byte) 128, (byte) 255})
                .build();
    }

    static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new DicomCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void deidKeepsFolderStructureAndReportsRefusalsAndFailures() throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in.resolve("a/b"));
        DicomWriter.standard().write(image("1.2.3.4.5.1", "NO"), in.resolve("a/one.dcm"));
        DicomWriter.standard().write(image("1.2.3.4.5.2", "NO"), in.resolve("a/b/two.dcm"));
        DicomWriter.standard().write(image("1.2.3.4.5.3", "YES"), in.resolve("burned.dcm"));
        Files.writeString(in.resolve("notes.txt"), "not dicom");
        byte[] truncated = Files.readAllBytes(in.resolve("a/one.dcm"));
        Files.write(in.resolve("truncated.dcm"), java.util.Arrays.copyOf(truncated, 200));
        Path out = tmp.resolve("out");
        String[] r = run("deid", in.toString(), out.toString(), "--salt", "cli-test-salt",
                "--option", "RETAIN_PATIENT_CHARACTERISTICS");
        assertEquals("1", r[0], r[1] + r[2]);
        assertTrue(r[1].contains("5 file(s): 2 written, 1 refused (burned-in annotation), 1 failed, 1 skipped"), r[1]);
        assertTrue(r[2].contains("notes.txt") && r[2].contains("burned.dcm") && r[2].contains("truncated.dcm"), r[2]);
        assertFalse(Files.exists(out.resolve("notes.txt")), "non-DICOM files are never copied");
        assertFalse(Files.exists(out.resolve("truncated.dcm")), "nothing half-written");
        DicomObject one = DicomReader.standard().read(out.resolve("a/one.dcm")).dataset();
        assertTrue(one.getString(Tags.PatientName).isEmpty());
        assertEquals("YES", one.getString(Tags.PatientIdentityRemoved).orElseThrow());
        assertNotEquals("1.2.3.4", one.getString(Tags.StudyInstanceUID).orElseThrow());
        DicomObject two = DicomReader.standard().read(out.resolve("a/b/two.dcm")).dataset();
        assertEquals(one.getString(Tags.StudyInstanceUID), two.getString(Tags.StudyInstanceUID), "one study stays one");
        assertFalse(Files.exists(out.resolve("burned.dcm")));
        assertEquals(4, DicomReader.standard().read(out.resolve("a/one.dcm")).dataset().get(Tags.PixelData)
                .orElseThrow().length(), "pixel data copied");
    }

    @Test
    void deidRejectsShortSaltAndOutputInsideInput() throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        DicomWriter.standard().write(image("1.2.3.4.5.1", "NO"), in.resolve("one.dcm"));
        assertNotEquals("0", run("deid", in.toString(), tmp.resolve("o").toString(), "--salt", "")[0]);
        assertNotEquals("0", run("deid", in.toString(), in.resolve("sub").toString(), "--salt", "long-enough")[0]);
        assertNotEquals("0", run("deid", in.toString(), tmp.resolve("o").toString(), "--option", "NOPE")[0]);
    }

    @Test
    void renderWritesAPng() throws Exception {
        Path f = tmp.resolve("img.dcm");
        DicomWriter.standard().write(image("1.2.3.4.5.1", "NO"), f);
        Path png = tmp.resolve("img.png");
        String[] r = run("render", f.toString(), png.toString(), "--window", "128,256");
        assertEquals("0", r[0], r[2]);
        assertEquals(2, javax.imageio.ImageIO.read(png.toFile()).getHeight());
        assertNotEquals("0", run("render", f.toString(), png.toString(), "--frame", "3")[0]);
    }

    @Test
    void srWritesAReportReferencingTheSource() throws Exception {
        Path f = tmp.resolve("img.dcm");
        DicomWriter.standard().write(image("1.2.3.4.5.1", "NO"), f);
        Path sr = tmp.resolve("report.dcm");
        String[] r = run("sr", "--ref", f.toString(), "--finding", "No mass.", "--finding", "Clear lungs.",
                "--impression", "Normal.", "--out", sr.toString());
        assertEquals("0", r[0], r[2]);
        DicomObject ds = DicomReader.standard().read(sr).dataset();
        assertEquals("1.2.840.10008.5.1.4.1.1.88.33", ds.getString(Tags.SOPClassUID).orElseThrow());
        assertEquals("1.2.3.4.5.1", ds.getSequence(Tags.CurrentRequestedProcedureEvidenceSequence).orElseThrow()
                .get(0).getSequence(Tags.ReferencedSeriesSequence).orElseThrow().get(0)
                .getSequence(Tags.ReferencedSOPSequence).orElseThrow().get(0)
                .getString(Tags.ReferencedSOPInstanceUID).orElseThrow());
        assertNotEquals("0", run("sr", "--ref", f.toString(), "--out", sr.toString())[0], "needs a text");
    }
}

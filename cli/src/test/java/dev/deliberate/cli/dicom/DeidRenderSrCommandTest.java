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

    static java.util.List<Path> dicomFiles(Path dir) throws Exception {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".json"))
                    .sorted().toList();
        }
    }

    @Test
    void deidNamesOutputsByNewUidsAndReportsRefusalsAndFailures() throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in.resolve("MRN-88231477/b"));
        DicomWriter.standard().write(image("1.2.3.4.5.1", "NO"), in.resolve("MRN-88231477/Quixley_Marguerite_3.dcm"));
        DicomWriter.standard().write(image("1.2.3.4.5.2", "NO"), in.resolve("MRN-88231477/b/two.dcm"));
        DicomWriter.standard().write(image("1.2.3.4.5.3", "YES"), in.resolve("burned.dcm"));
        Files.writeString(in.resolve("notes.txt"), "not dicom");
        byte[] truncated = Files.readAllBytes(in.resolve("MRN-88231477/b/two.dcm"));
        Files.write(in.resolve("truncated.dcm"), java.util.Arrays.copyOf(truncated, 200));
        Path out = tmp.resolve("out");
        String[] r = run("deid", in.toString(), out.toString(), "--salt", "cli-test-salt",
                "--option", "RETAIN_PATIENT_CHARACTERISTICS");
        assertEquals("1", r[0], r[1] + r[2]);
        assertTrue(r[1].contains("5 file(s): 2 written, 1 refused (burned-in annotation), 1 failed, 1 skipped"), r[1]);
        assertTrue(r[1].contains("attributes: ") && r[1].contains(" removed, "), r[1]);
        assertTrue(r[2].contains("notes.txt") && r[2].contains("burned.dcm") && r[2].contains("truncated.dcm"), r[2]);
        java.util.List<Path> outs = dicomFiles(out);
        assertEquals(2, outs.size(), outs.toString());
        for (Path p : outs) {
            String rel = out.relativize(p).toString();
            assertTrue(rel.matches("[A-Z2-7]{8}/[A-Z2-7]{8}/[A-Z2-7]{8}"), "named by new UIDs only: " + rel);
            dev.deliberate.medical.dicom.DicomFile f = DicomReader.standard().read(p);
            assertEquals(f.dataset().getString(Tags.SOPInstanceUID), f.fileMeta().getString(
                    Tags.MediaStorageSOPInstanceUID), "(0002,0003) follows the replaced (0008,0018)");
            assertNotEquals("1.2.3.4.5.1", f.fileMeta().getString(Tags.MediaStorageSOPInstanceUID).orElseThrow());
            assertTrue(f.dataset().getString(Tags.PatientName).isEmpty());
            assertEquals("YES", f.dataset().getString(Tags.PatientIdentityRemoved).orElseThrow());
            assertEquals(4, f.dataset().get(Tags.PixelData).orElseThrow().length(), "pixel data copied");
        }
        DicomObject one = DicomReader.standard().read(outs.get(0)).dataset();
        DicomObject two = DicomReader.standard().read(outs.get(1)).dataset();
        assertEquals(one.getString(Tags.StudyInstanceUID), two.getString(Tags.StudyInstanceUID), "one study stays one");
        assertNotEquals("1.2.3.4", one.getString(Tags.StudyInstanceUID).orElseThrow());
        String report = Files.readString(out.resolve("deid-report.json"));
        assertTrue(report.contains("\"PatientName\"") && report.contains("\"WRITTEN\" : 2"), report);
        assertFalse(report.contains("Doe") || report.contains("MRN-88231477"), "no values, no input names");
    }

    @Test
    void deidOfAnEmptyOrBareDatasetFileFailsClearly() throws Exception {
        Path empty = tmp.resolve("empty.dcm");
        Files.write(empty, new byte[0]);
        String[] r = run("deid", empty.toString(), tmp.resolve("o.dcm").toString(), "--salt", "cli-test-salt");
        assertEquals("1", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("not a DICOM Part 10 file") && r[2].contains("nothing was written"), r[2]);
        assertFalse(Files.exists(tmp.resolve("o.dcm")));
        Path bare = tmp.resolve("bare.dcm");
        byte[] full = Files.readAllBytes(writeImage(tmp.resolve("full.dcm")));
        Files.write(bare, java.util.Arrays.copyOfRange(full, 132, full.length)); // meta group, no preamble
        r = run("deid", bare.toString(), tmp.resolve("outdir").toString(), "--salt", "cli-test-salt");
        assertEquals("1", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("not a DICOM Part 10 file"), r[2]);
        Path folder = tmp.resolve("only-junk");
        Files.createDirectories(folder);
        Files.write(folder.resolve("x"), new byte[0]);
        r = run("deid", folder.toString(), tmp.resolve("outdir2").toString(), "--salt", "cli-test-salt");
        assertEquals("1", r[0], "a folder in which nothing could be written is a failure: " + r[1] + r[2]);
    }

    Path writeImage(Path p) throws Exception {
        DicomWriter.standard().write(image("1.2.3.4.5.9", "NO"), p);
        return p;
    }

    @Test
    void deidSingleFileToANamedOutputKeepsTheMetaRight() throws Exception {
        Path f = writeImage(tmp.resolve("Quixley.dcm"));
        Path o = tmp.resolve("safe.dcm");
        String[] r = run("deid", f.toString(), o.toString(), "--salt", "cli-test-salt");
        assertEquals("0", r[0], r[1] + r[2]);
        dev.deliberate.medical.dicom.DicomFile d = DicomReader.standard().read(o);
        assertEquals(d.dataset().getString(Tags.SOPInstanceUID), d.fileMeta().getString(
                Tags.MediaStorageSOPInstanceUID));
        assertTrue(Files.exists(tmp.resolve("safe.dcm.deid-report.json")));
    }

    @Test
    void deidWithAKeyFileMapsSeparateRunsToTheSameStudy() throws Exception {
        Path key = tmp.resolve("site.key");
        Path a = writeImage(tmp.resolve("a.dcm"));
        DicomWriter.standard().write(image("1.2.3.4.5.10", "NO"), tmp.resolve("b.dcm"));
        String[] r1 = run("deid", a.toString(), tmp.resolve("out1").toString(), "--key-file", key.toString());
        assertEquals("0", r1[0], r1[1] + r1[2]);
        assertTrue(r1[2].contains("created site key file"), r1[2]);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(key)));
        String[] r2 = run("deid", tmp.resolve("b.dcm").toString(), tmp.resolve("out2").toString(), "--key-file",
                key.toString());
        assertEquals("0", r2[0], r2[1] + r2[2]);
        DicomObject x = DicomReader.standard().read(dicomFiles(tmp.resolve("out1")).get(0)).dataset();
        DicomObject y = DicomReader.standard().read(dicomFiles(tmp.resolve("out2")).get(0)).dataset();
        assertEquals(x.getString(Tags.StudyInstanceUID), y.getString(Tags.StudyInstanceUID));
        assertNotEquals(x.getString(Tags.SOPInstanceUID), y.getString(Tags.SOPInstanceUID));
        assertNotEquals("0", run("deid", a.toString(), tmp.resolve("out3").toString(), "--key-file", key.toString(),
                "--salt", "also-a-salt")[0], "one secret source only");
    }

    @Test
    void deidOfAPartialBinaryValueFailsWithAClearError() throws Exception {
        Path f = writeImage(tmp.resolve("odd.dcm"));
        byte[] b = Files.readAllBytes(f);
        // (0028,0010) Rows, US, length 2 -> rewrite as a 3-byte value by shifting the rest of the file
        int at = -1;
        for (int i = 132; i + 8 < b.length; i++) {
            if (b[i] == 0x28 && b[i + 1] == 0 && b[i + 2] == 0x10 && b[i + 3] == 0 && b[i + 4] == 'U'
                    && b[i + 5] == 'S') {
                at = i;
                break;
            }
        }
        assertTrue(at > 0);
        byte[] odd = new byte[b.length + 1];
        System.arraycopy(b, 0, odd, 0, at + 8);
        odd[at + 6] = 3;
        odd[at + 8] = b[at + 8];
        odd[at + 9] = b[at + 9];
        odd[at + 10] = 0;
        System.arraycopy(b, at + 10, odd, at + 11, b.length - at - 10);
        Files.write(f, odd);
        String[] r = run("deid", f.toString(), tmp.resolve("odd-out.dcm").toString(), "--salt", "cli-test-salt");
        assertEquals("1", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("(0028,0010)") && r[2].contains("not a whole number"), r[2]);
        assertFalse(Files.exists(tmp.resolve("odd-out.dcm")));
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

package dev.deliberate.samples.radiology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomJson;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.phi.PhiGuard;
import dev.deliberate.medical.sr.StructuredReportWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the sample end to end on pydicom's CT_small.dcm with the tiny test model on the bundled llama.cpp, and checks
 * the report with the SDK's reader, dciodvfy and pydicom.
 */
class SecondLookIT {

    private static final String SALT = "second-look-it-salt";

    @TempDir
    static Path cache;

    @TempDir
    Path dir;

    @BeforeAll
    static void peers() {
        Peers.require(Files.isRegularFile(Peers.CT_SMALL), "pydicom test file " + Peers.CT_SMALL);
    }

    private static String[] args(Path input, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of(input.toString(), "--out", out.toString(), "--salt", SALT,
                "--model-cache", cache.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private static String run(String[] args, int expectedExit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = SecondLookApp.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, code, text);
        return text;
    }

    @Test
    void ctSmallBecomesAValidDeidentifiedSrAboutTheDeidentifiedStudy() throws Exception {
        Path out = dir.resolve("out");
        String console = run(args(Peers.CT_SMALL, out, "--png"), 0);
        assertTrue(console.contains("RANDOM-WEIGHT test model") && console.contains("its words are random"),
                console);
        assertTrue(console.contains("thinking:") && console.contains("finish") && console.contains("timings:"),
                console);

        DicomObject source = DicomReader.standard().read(Peers.CT_SMALL).dataset();
        Path srPath = out.resolve(SecondLook.SR_FILE);
        assertTrue(console.contains("SR:          " + srPath), console);

        // the SDK's reader parses it back
        DicomFile srFile = DicomReader.standard().read(srPath);
        DicomObject sr = srFile.dataset();
        assertEquals(StructuredReportWriter.COMPREHENSIVE_SR, sr.getString(Tags.SOPClassUID).orElseThrow());
        assertEquals("YES", sr.getString(Tags.PatientIdentityRemoved).orElseThrow());

        // the evidence references the de-identified study and instance, never the original
        DicomObject deid = DicomReader.standard().read(out.resolve("deidentified/IM00001.dcm")).dataset();
        assertFalse(PhiGuard.strict().assess(deid).identified(), "the de-identified copy passes the guard");
        String deidStudy = deid.getString(Tags.StudyInstanceUID).orElseThrow();
        String sourceStudy = source.getString(Tags.StudyInstanceUID).orElseThrow();
        assertNotEquals(sourceStudy, deidStudy);
        assertTrue(console.contains("study (de-identified): " + deidStudy), console);
        assertEquals(deidStudy, sr.getString(Tags.StudyInstanceUID).orElseThrow());
        DicomObject evidence = sr.getSequence(Tags.CurrentRequestedProcedureEvidenceSequence).orElseThrow().get(0);
        assertEquals(deidStudy, evidence.getString(Tags.StudyInstanceUID).orElseThrow());
        DicomObject ref = evidence.getSequence(Tags.ReferencedSeriesSequence).orElseThrow().get(0)
                .getSequence(Tags.ReferencedSOPSequence).orElseThrow().get(0);
        assertEquals(deid.getString(Tags.SOPInstanceUID), ref.getString(Tags.ReferencedSOPInstanceUID));
        assertNotEquals(source.getString(Tags.SOPInstanceUID), ref.getString(Tags.ReferencedSOPInstanceUID));

        // the AI device observer carries the model's provenance
        String json = DicomJson.toJson(sr);
        assertTrue(json.contains("deliberate-test-tiny"), "device observer name");
        assertTrue(json.contains("qwen2 F32 llama.cpp"), "device observer model name");

        // no direct identifier of the source anywhere in the prompt or the SR (bytes and DICOM JSON)
        List<String> identifiers = identifiers(source);
        assertTrue(identifiers.contains("CompressedSamples") && identifiers.contains("1CT1"), identifiers::toString);
        String prompt = Files.readString(out.resolve(SecondLook.PROMPT_FILE));
        String srBytes = new String(Files.readAllBytes(srPath), StandardCharsets.ISO_8859_1);
        for (String id : identifiers) {
            String lower = id.toLowerCase(Locale.ROOT);
            assertFalse(prompt.toLowerCase(Locale.ROOT).contains(lower), () -> id + " in the prompt");
            assertFalse(srBytes.toLowerCase(Locale.ROOT).contains(lower), () -> id + " in the SR file");
            assertFalse(json.toLowerCase(Locale.ROOT).contains(lower), () -> id + " in the SR");
        }
        assertTrue(prompt.contains("<dicom-study-context>") && prompt.contains("modalities: \"CT\""), prompt);

        // dciodvfy: no errors, and it sees a Comprehensive SR
        Peers.require(Peers.executable(Peers.DCIODVFY), "dciodvfy");
        Peers.Run v = Peers.run(List.of(Peers.DCIODVFY.toString(), srPath.toString()));
        List<String> errors = v.output().lines().filter(l -> l.startsWith("Error")).toList();
        assertEquals(List.of(), errors, v.output());
        assertTrue(v.output().contains("ComprehensiveSR"), v.output());

        // an independent reader agrees on the evidence
        Peers.require(Peers.executable(Peers.PYTHON), "/usr/bin/python3 with pydicom");
        Peers.Run py = Peers.run(List.of(Peers.PYTHON.toString(), "-c", "import pydicom,sys; d=pydicom.dcmread("
                + "sys.argv[1]); print(d.CurrentRequestedProcedureEvidenceSequence[0].StudyInstanceUID, "
                + "d.ContentSequence[0].ConceptCodeSequence[0].CodeValue)", srPath.toString()));
        assertEquals(0, py.exit(), py.output());
        assertEquals(deidStudy + " en", py.output().strip());

        // the PNG of the de-identified frame
        byte[] png = Files.readAllBytes(out.resolve(SecondLook.PNG_FILE));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
    }

    @Test
    void folderInputSkipsNonDicomAndTheSameSaltGivesTheSameStudyUid() throws Exception {
        Path study = Files.createDirectories(dir.resolve("study/series1"));
        Files.copy(Peers.CT_SMALL, study.resolve("slice1.dcm"));
        Files.writeString(dir.resolve("study/README.txt"), "not DICOM");
        Path out1 = dir.resolve("out1");
        String console = run(args(dir.resolve("study"), out1), 0);
        assertTrue(console.contains("1 non-DICOM files skipped"), console);
        Path out2 = dir.resolve("out2");
        run(args(Peers.CT_SMALL, out2), 0);
        assertEquals(DicomReader.standard().read(out1.resolve(SecondLook.SR_FILE)).dataset()
                        .getString(Tags.StudyInstanceUID),
                DicomReader.standard().read(out2.resolve(SecondLook.SR_FILE)).dataset()
                        .getString(Tags.StudyInstanceUID));
    }

    @Test
    void twoStudiesInOneFolderAreRefusedBeforeTheModelRuns() throws Exception {
        Path other = Peers.TEST_FILES.resolve("MR_small.dcm");
        Peers.require(Files.isRegularFile(other), "pydicom test file " + other);
        Path study = Files.createDirectories(dir.resolve("mixed"));
        Files.copy(Peers.CT_SMALL, study.resolve("a.dcm"));
        Files.copy(other, study.resolve("b.dcm"));
        Path out = dir.resolve("out");
        String console = run(args(study, out), 1);
        assertTrue(console.contains("more than one study"), console);
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void truncatedCorpusFileFailsNamingItAndWritesNothing() throws Exception {
        Path cut = Peers.TEST_FILES.resolve("MR_truncated.dcm");
        Peers.require(Files.isRegularFile(cut), "pydicom test file " + cut);
        Path out = dir.resolve("out");
        String console = run(args(cut, out), 1);
        assertTrue(console.contains(cut.toString()), console);
        assertFalse(Files.exists(out.resolve(SecondLook.SR_FILE)), "no report");
    }

    /** Two instances of one MR study, made from pydicom's MR_small.dcm by pydicom (new SOP Instance UIDs). */
    private Path twoInstanceMrStudy() throws Exception {
        Path mr = Peers.TEST_FILES.resolve("MR_small.dcm");
        Peers.require(Files.isRegularFile(mr), "pydicom test file " + mr);
        Peers.require(Peers.executable(Peers.PYTHON), "/usr/bin/python3 with pydicom");
        Path study = Files.createDirectories(dir.resolve("mr-study"));
        Peers.Run py = Peers.run(List.of(Peers.PYTHON.toString(), "-c", "import pydicom,sys\n"
                + "for i in (1, 2):\n"
                + "    d = pydicom.dcmread(sys.argv[1])\n"
                + "    d.SOPInstanceUID = '1.2.826.0.1.3680043.8.498.7731' + str(i)\n"
                + "    d.file_meta.MediaStorageSOPInstanceUID = d.SOPInstanceUID\n"
                + "    d.InstanceNumber = i\n"
                + "    d.save_as(sys.argv[2] + '/IM%d.dcm' % i)\n", mr.toString(), study.toString()));
        assertEquals(0, py.exit(), py.output());
        return study;
    }

    @Test
    void aValidTwoInstanceMrStudyGetsItsReport() throws Exception {
        // seed 3 gave strings over the schema's maxLength (3 attempts, exit 1) while llama.cpp's grammar let bytes
        // that are not UTF-8 through, decoded as U+FFFD and counted only by the validator
        Path out = dir.resolve("out");
        String console = run(args(twoInstanceMrStudy(), out, "--seed", "3"), 0);
        assertTrue(console.contains("read:      2 instance(s)"), console);
        DicomObject sr = DicomReader.standard().read(out.resolve(SecondLook.SR_FILE)).dataset();
        dev.deliberate.medical.dicom.Sequence refs = sr.getSequence(Tags.CurrentRequestedProcedureEvidenceSequence).orElseThrow().get(0)
                .getSequence(Tags.ReferencedSeriesSequence).orElseThrow().get(0)
                .getSequence(Tags.ReferencedSOPSequence).orElseThrow();
        assertEquals(2, refs.size(), "both instances are the report's evidence");
        assertTrue(Files.isRegularFile(out.resolve("deidentified/IM00002.dcm")));
    }

    @Test
    void aRunWithoutAValidAnswerLeavesNothingBehind() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path earlier = Files.writeString(out.resolve("notes.txt"), "kept");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SecondLookApp.run(args(Peers.CT_SMALL, out, "--answer-tokens", "4"), Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, text);
        assertTrue(text.startsWith("error: ") && !text.contains("Exception"), text);
        assertTrue(text.contains("; nothing was written to " + out + " ("), text);
        assertFalse(Files.exists(out.resolve("deidentified")), "no de-identified instances left behind");
        assertFalse(Files.exists(out.resolve(SecondLook.PROMPT_FILE)), "no prompt left behind");
        assertFalse(Files.exists(out.resolve(SecondLook.SR_FILE)));
        assertEquals("kept", Files.readString(earlier), "what was there before stays");
    }

    /** The parts of the source's Patient Name (two characters or more) and its Patient ID. */
    private static List<String> identifiers(DicomObject source) {
        List<String> ids = new ArrayList<>();
        String name = source.getString(Tags.PatientName).orElseThrow();
        for (String part : name.split("[\\^=]")) {
            if (part.strip().length() >= 2) {
                ids.add(part.strip());
            }
        }
        ids.add(source.getString(Tags.PatientID).orElseThrow().strip());
        return ids;
    }
}

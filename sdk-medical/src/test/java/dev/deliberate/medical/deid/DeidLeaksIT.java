package dev.deliberate.medical.deid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.DicomElement;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.VR;
import dev.deliberate.medical.testing.PeerSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The leaks of issue 9, reproduced on a real CT (pydicom's CT_small with the leaking attributes added, in a folder
 * named after the patient) and checked by independent peers after {@link StudyDeidentifier}: dciodvfy (no
 * "MediaStorageSOPInstanceUID different" and no new error, no overlay module left without its data), pydicom (reads
 * every value of every output; meta equals dataset; none of the identifiers in any decoded value), and the raw bytes.
 */
class DeidLeaksIT {
    static final String NAME = "Quixley^Marguerite";
    static final String CJK = "山田^太郎";

    @TempDir
    Path tmp;

    static DicomFile leaky() throws Exception {
        DicomFile ct = DicomReader.standard().read(PeerSupport.pydicomFile("CT_small.dcm"));
        String study = ct.dataset().getString(Tags.StudyInstanceUID).orElseThrow();
        DicomObject code = DicomObject.builder().setString(Tags.CodeValue, VR.SH, "P-77")
                .setString(Tags.CodingSchemeDesignator, VR.SH, "99LOCAL")
                .setString(Tags.CodeMeaning, VR.LO, "Protocol for Quixley Marguerite").build();
        DicomObject request = DicomObject.builder().setString(Tags.RequestedProcedureID, VR.SH, "RP-1")
                .setSequence(Tags.ScheduledProtocolCodeSequence, List.of(code)).build();
        DicomObject ds = ct.dataset().toBuilder()
                .setString(Tags.SpecificCharacterSet, VR.CS, "ISO_IR 192")
                .setString(Tags.PatientName, VR.PN, NAME + "=" + CJK)
                .setString(Tags.PatientID, VR.LO, "MRN-88231477")
                .set(DicomElement.ofLongs(0x60000010, VR.US, 128)).set(DicomElement.ofLongs(0x60000011, VR.US, 128))
                .setString(0x60000022, VR.LO, "Marked for Quixley")
                .setString(0x60000040, VR.CS, "G").setInt(0x60000050, VR.SS, 1, 1)
                .set(DicomElement.ofLongs(0x60000100, VR.US, 1)).set(DicomElement.ofLongs(0x60000102, VR.US, 0))
                .setString(0x60001500, VR.LO, "Marguerite Quixley")
                .setBytes(0x60003000, VR.OW, new byte[128 * 128 / 8])
                .setString(Tags.WindowCenterWidthExplanation, VR.LO, "Quixley preset")
                .setString(Tags.RetrieveURL, VR.UR, "https://pacs.example.org/dicom-web/studies/" + study)
                .setSequence(Tags.RequestAttributesSequence, List.of(request))
                .setString(Tags.ImageComments, VR.LT, "患者山田太郎、再検査 for Marguerite")
                .build();
        return new DicomFile(ct.fileMeta(), ds, ct.transferSyntax());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void noLeakSurvivesAndThePeersAgree(boolean cleanOptions) throws Exception {
        PeerSupport.requireCommand("dciodvfy");
        PeerSupport.requirePydicom();
        DicomFile src = leaky();
        String sourceSop = src.dataset().getString(Tags.SOPInstanceUID).orElseThrow();
        String sourceStudy = src.dataset().getString(Tags.StudyInstanceUID).orElseThrow();
        Path in = tmp.resolve("in/MRN-88231477");
        Files.createDirectories(in);
        Path source = in.resolve("Quixley_Marguerite_3.dcm");
        DicomWriter.standard().write(src, source);
        DeidentificationPolicy policy = DeidentificationPolicy.basic("leaks-it-salt");
        if (cleanOptions) {
            policy = policy.withOption(DeidentificationOption.CLEAN_DESCRIPTORS)
                    .withOption(DeidentificationOption.CLEAN_STRUCTURED_CONTENT);
        }
        Path out = tmp.resolve("out");
        try (StudyDeidentifier run = StudyDeidentifier.builder(policy).output(out).build()) {
            run.add(tmp.resolve("in"));
            assertEquals(1, run.count(StudyDeidentifier.Status.WRITTEN), run.problems().toString());
        }
        List<Path> outs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(out)) {
            s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".json")).forEach(outs::add);
        }
        assertEquals(1, outs.size());
        Path o = outs.get(0);
        String rel = out.relativize(o).toString();
        assertFalse(rel.contains("MRN") || rel.contains("Quixley") || rel.contains("Marguerite"), rel);

        // dciodvfy: the meta matches, and nothing is worse than in the source
        PeerSupport.Result v = PeerSupport.run(List.of("dciodvfy", "-new", o.toString()), 60);
        String said = v.stdout() + v.stderr();
        assertFalse(said.contains("MediaStorageSOPInstanceUID"), said);
        assertFalse(said.toLowerCase(java.util.Locale.ROOT).contains("overlay"), said);
        Set<String> added = DeidentifiedOutputValidityIT.errors(o);
        added.removeAll(DeidentifiedOutputValidityIT.errors(source));
        assertEquals(Set.of(), added, "errors introduced by de-identification");

        // pydicom decodes every value (meta included) and finds none of the identifiers
        String script = String.join("\n",
                "import sys, pydicom",
                "d = pydicom.dcmread(sys.argv[1])",
                "assert d.file_meta.MediaStorageSOPInstanceUID == d.SOPInstanceUID, 'meta'",
                "vals = [str(e.value) for e in d.file_meta.iterall()]",
                "for e in d.iterall():",
                "    if e.tag.group & 0xFF00 == 0x6000: raise SystemExit('overlay element left: ' + str(e.tag))",
                "    vals.append(str(e.value))",
                "text = '\\n'.join(vals)",
                "for needle in sys.argv[2:]:",
                "    if needle in text: raise SystemExit('found ' + needle)",
                "print('clean', len(vals))");
        PeerSupport.Result p = PeerSupport.run(List.of(PeerSupport.PYTHON, "-c", script, o.toString(), "Quixley",
                "Marguerite", "山田", "太郎", "MRN-88231477", sourceSop, sourceStudy), 60);
        assertEquals(0, p.exitCode(), p.stdout() + p.stderr());
        assertTrue(p.stdout().startsWith("clean"), p.stdout());

        // and the raw bytes
        byte[] bytes = Files.readAllBytes(o);
        String raw = new String(bytes, StandardCharsets.ISO_8859_1);
        for (String n : List.of("Quixley", "Marguerite", "MRN-88231477", sourceSop, sourceStudy)) {
            assertFalse(raw.contains(n), n);
        }
        assertFalse(new String(bytes, StandardCharsets.UTF_8).contains("山田"));
        DicomObject d = DicomReader.standard().read(o).dataset();
        if (cleanOptions) {
            assertEquals("Protocol for ******* **********", d.getSequence(Tags.RequestAttributesSequence).orElseThrow()
                    .get(0).getSequence(Tags.ScheduledProtocolCodeSequence).orElseThrow().get(0)
                    .getString(Tags.CodeMeaning).orElseThrow());
            assertEquals("患者****、再検査 for **********", d.getString(Tags.ImageComments).orElseThrow());
            assertEquals("******* preset", d.getString(Tags.WindowCenterWidthExplanation).orElseThrow());
        } else {
            assertFalse(d.contains(Tags.RequestAttributesSequence) || d.contains(Tags.ImageComments)
                    || d.contains(Tags.WindowCenterWidthExplanation));
        }
        assertFalse(d.contains(Tags.RetrieveURL));
    }

    @org.junit.jupiter.api.Test
    void theRegeneratedDicomdirPassesDciodvfyAndPydicomReadsItAsTheSourceWasRead() throws Exception {
        PeerSupport.requireCommand("dciodvfy");
        PeerSupport.requirePydicom();
        Path src = PeerSupport.pydicomFile("dicomdirtests/DICOMDIR");
        Path out = tmp.resolve("dd");
        try (StudyDeidentifier run = StudyDeidentifier.builder(DeidentificationPolicy.basic("dicomdir-it-salt"))
                .output(out).build()) {
            run.add(src);
            assertEquals(31, run.count(StudyDeidentifier.Status.WRITTEN), run.problems().toString());
        }
        PeerSupport.Result v = PeerSupport.run(List.of("dciodvfy", "-new", out.resolve("DICOMDIR").toString()), 60);
        assertFalse((v.stdout() + v.stderr()).contains("Error"), v.stdout() + v.stderr());
        String script = String.join("\n",
                "import sys, pydicom",
                "from pydicom.fileset import FileSet",
                "for p in sys.argv[1:]:",
                "    fs = FileSet(pydicom.dcmread(p))",
                "    names = sorted(i.path for i in fs)",
                "    for i in fs: i.load()",
                "    patients = len({i.PatientID for i in fs})",
                "    studies = len({i.StudyInstanceUID for i in fs})",
                "    print(len(names), patients, studies, any('77654033' in n or 'CR1' in n for n in names))");
        PeerSupport.Result p = PeerSupport.run(List.of(PeerSupport.PYTHON, "-c", script, src.toString(),
                out.resolve("DICOMDIR").toString()), 120);
        assertEquals(0, p.exitCode(), p.stderr());
        String[] lines = p.stdout().strip().split("\n");
        assertEquals("31 2 6 True", lines[0], "pydicom's view of the source: " + p.stdout());
        String[] source = lines[0].split(" ");
        String[] ours = lines[1].split(" ");
        assertEquals(source[0], ours[0], "every instance is in the new DICOMDIR: " + p.stdout());
        assertEquals(source[1], ours[1], "studies stay grouped by (pseudonymous) patient: " + p.stdout());
        assertEquals(source[2], ours[2], "as many studies: " + p.stdout());
        assertEquals("True", source[3]);
        assertEquals("False", ours[3], "no input folder or file name left: " + p.stdout());
    }
}

package dev.deliberate.medical.sr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.deid.DeidentificationPolicy;
import dev.deliberate.medical.deid.Deidentifier;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomReadOptions;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.testing.PeerSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Writes SR documents about real source files and has dciodvfy, dsrdump and pydicom judge them. */
class StructuredReportWriterIT {
    @TempDir
    Path tmp;

    static final DiagnosticReport REPORT = new DiagnosticReport(
            List.of("No intracranial haemorrhage.", "Ventricles are normal in size; \"quoted\" <text> kept as data."),
            List.of("Normal CT of the head.", "Ünïcödé impression: 脑 normal."),
            ObserverDevice.of("2.25.329800735698586629295641978511506172918", "DeepSeek-R1-Distill-Qwen-1.5B")
                    .withManufacturer("Deliberate").withModelName("Q8_0 GGUF").withSerialNumber("sha256:0123abcd"),
            DiagnosticReport.Language.ENGLISH, DiagnosticReport.Completion.COMPLETE);

    @ParameterizedTest(name = "{0} deidentified={1}")
    @CsvSource({"CT_small.dcm, false", "CT_small.dcm, true", "MR_small.dcm, false", "JPEG2000.dcm, true",
        "rtdose.dcm, false"})
    void srPassesDciodvfyDsrdumpAndPydicom(String name, boolean deidentify) throws Exception {
        PeerSupport.requireCommand("dciodvfy");
        PeerSupport.requireCommand("dsrdump");
        PeerSupport.requirePydicom();
        Path src = PeerSupport.pydicomFile(name);
        DicomObject source = new DicomReader(DicomReadOptions.defaults().withStopBeforePixels(true)).read(src)
                .dataset();
        if (deidentify) {
            source = new Deidentifier(DeidentificationPolicy.basic("sr-test-salt-123")).deidentify(source).dataset();
        }
        Path out = tmp.resolve(name + ".sr.dcm");
        new StructuredReportWriter().write(REPORT, source, out);

        PeerSupport.Result v = PeerSupport.run(List.of("dciodvfy", "-new", out.toString()), 60);
        List<String> errors = new ArrayList<>();
        for (String line : (v.stdout() + "\n" + v.stderr()).split("\n")) {
            if (line.startsWith("Error")) {
                errors.add(line);
            }
        }
        assertEquals(List.of(), errors, "dciodvfy errors:\n" + v.stdout() + v.stderr());
        assertTrue((v.stdout() + v.stderr()).contains("ComprehensiveSR"), v.stdout() + v.stderr());

        PeerSupport.Result d = PeerSupport.run(List.of("dsrdump", "-Ec", out.toString()), 60);
        assertEquals(0, d.exitCode(), d.stdout() + d.stderr());
        assertTrue(d.stdout().contains("Diagnostic Imaging Report"), d.stdout());
        assertTrue(d.stdout().contains("No intracranial haemorrhage."), d.stdout());
        assertTrue(d.stdout().contains("Device Observer Name"), d.stdout());
        assertTrue(!d.stdout().contains("Warning") && !d.stderr().contains("Warning")
                && !d.stderr().contains("Error"), "dsrdump complained:\n" + d.stdout() + d.stderr());

        PeerSupport.Result p = PeerSupport.run(List.of(PeerSupport.PYTHON, "-c", String.join("\n",
                "import sys, pydicom",
                "ds = pydicom.dcmread(sys.argv[1])",
                "src = pydicom.dcmread(sys.argv[2], stop_before_pixels=True)",
                "assert ds.SOPClassUID == '1.2.840.10008.5.1.4.1.1.88.33'",
                "assert ds.ConceptNameCodeSequence[0].CodeValue == '18748-4'",
                "ev = ds.CurrentRequestedProcedureEvidenceSequence[0]",
                "assert ev.ReferencedSeriesSequence[0].ReferencedSOPSequence[0].ReferencedSOPInstanceUID",
                "secs = [i for i in ds.ContentSequence if i.ValueType == 'CONTAINER']",
                "texts = [c.TextValue for s in secs for c in s.ContentSequence]",
                "print(len(texts)); print(texts[3])"), out.toString(), src.toString()), 60);
        assertEquals(0, p.exitCode(), p.stderr());
        assertTrue(p.stdout().startsWith("4\n"), p.stdout());
        assertTrue(p.stdout().contains("Ünïcödé impression: 脑 normal."), p.stdout());
    }
}

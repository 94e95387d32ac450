package dev.deliberate.medical.deid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.testing.PeerSupport;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * De-identification must not break IOD conformance: dciodvfy reports no error on the de-identified file that it did
 * not already report on the source (messages compared without values), and pydicom reads the result.
 */
class DeidentifiedOutputValidityIT {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"CT_small.dcm", "MR_small.dcm", "test-SR.dcm", "reportsi.dcm", "rtplan.dcm",
        "rtdose.dcm", "JPEG2000.dcm", "MR_small_RLE.dcm", "SC_rgb_rle.dcm", "waveform_ecg.dcm"})
    void deidentificationAddsNoDciodvfyError(String name) throws Exception {
        PeerSupport.requireCommand("dciodvfy");
        PeerSupport.requirePydicom();
        Path src = PeerSupport.pydicomFile(name);
        DicomFile f = DicomReader.standard().read(src);
        Deidentifier deid = new Deidentifier(DeidentificationPolicy.basic("validity-salt-42")
                .withBurnedInAnnotation(BurnedInAnnotationHandling.FLAG));
        Path out = tmp.resolve(name);
        DicomWriter.standard().write(deid.deidentify(f), out);
        Set<String> before = errors(src);
        Set<String> after = errors(out);
        after.removeAll(before);
        assertEquals(Set.of(), after, name + ": errors introduced by de-identification");
        PeerSupport.Result p = PeerSupport.run(List.of(PeerSupport.PYTHON, "-c",
                "import sys,pydicom; d=pydicom.dcmread(sys.argv[1]); print(d.PatientIdentityRemoved)",
                out.toString()), 60);
        assertEquals(0, p.exitCode(), p.stderr());
        assertTrue(p.stdout().startsWith("YES"), p.stdout());
    }

    /** dciodvfy's error lines with values and element positions taken out, so source and output compare. */
    static Set<String> errors(Path file) {
        PeerSupport.Result r = PeerSupport.run(List.of("dciodvfy", "-new", file.toString()), 60);
        Set<String> out = new TreeSet<>();
        for (String line : (r.stdout() + "\n" + r.stderr()).split("\n")) {
            if (line.startsWith("Error")) {
                out.add(line.replaceAll("= <[^>]*>", "= <>").replaceAll("\"[^\"]*\"", "\"\"")
                        .replaceAll("\\[[0-9]+\\]", "[]").replaceAll("- Value [^-]*", ""));
            }
        }
        return out;
    }
}

package dev.deliberate.medical.deid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.DataDictionary;
import dev.deliberate.medical.dicom.DicomElement;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.Tag;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.testing.OrthancServer;
import dev.deliberate.medical.testing.PeerSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares the Deidentifier with Orthanc's PS3.15 2021b Basic Profile ({@code POST /instances/{id}/anonymize}) on
 * real files: for every top-level attribute of the source, whether each tool removed, emptied, replaced or kept it.
 * They must agree except on the documented differences below (see docs/deidentification.md).
 */
class OrthancAnonymizeIT {
    /** Attributes where the two tools differ by design, with the reason. */
    static final Map<Integer, String> DOCUMENTED = Map.ofEntries(
            Map.entry(Tags.ContentSequence, "D on a sequence: we keep the item structure with dummy text (Type 1C "
                    + "content stays valid); Orthanc empties it"),
            Map.entry(Tags.VerifyingObserverSequence, "D on a sequence: dummy observer items; Orthanc empties it"),
            Map.entry(Tags.OperatorsName, "X/Z/D: Type 2 in RT Series, so Z for RT objects; Orthanc removes it"),
            Map.entry(Tags.RTPlanDate, "X/D: Type 2 in RT General Plan, so D; Orthanc removes it"),
            Map.entry(Tags.RTPlanTime, "X/D: Type 2 in RT General Plan, so D; Orthanc removes it"),
            Map.entry(Tags.ReferencedPerformedProcedureStepSequence, "X/Z/D: Type 2 in SR Document Series, so Z "
                    + "for SR; Orthanc removes it"),
            Map.entry(Tags.AcquisitionContextSequence, "X/Z: Type 2 in waveform and enhanced IODs, so Z there"),
            Map.entry(Tags.AcquisitionDateTime, "X/Z/D: Type 1 in Waveform Identification, so D there"),
            Map.entry(Tags.ContentDate, "SR Document General makes it Type 1: Z/D -> D; Orthanc empties it"),
            Map.entry(Tags.ContentTime, "SR Document General makes it Type 1: Z/D -> D; Orthanc empties it"),
            Map.entry(Tags.ObservationDateTime, "X/D: Orthanc keeps it at top level; Type 3 there, so we remove it"),
            Map.entry(Tags.RTPlanLabel, "the table says D (Type 1 in RT General Plan); Orthanc empties it"),
            Map.entry(Tags.SourceImageSequence, "X/Z/U*: Orthanc keeps it with UIDs replaced; Type 3, we remove it"),
            Map.entry(Tags.PatientName, "Orthanc puts a dummy name (D); the table says Z, we empty it"),
            Map.entry(Tags.PatientID, "Orthanc puts a random ID (D); Z/D resolves to Z for the Type 2 Patient ID"),
            Map.entry(Tags.InstanceCreationDate, "X/D: Orthanc keeps it; SOP Common makes it Type 3, so we remove it"),
            Map.entry(Tags.InstanceCreationTime, "X/Z/D: Orthanc keeps it; Type 3, so we remove it"),
            Map.entry(Tags.DeidentificationMethod, "each tool names itself"),
            Map.entry(Tags.LongitudinalTemporalInformationModified, "we record REMOVED (PS3.15 E.1.1); Orthanc does not"),
            Map.entry(Tags.DeidentificationMethodCodeSequence, "we add the CID 7050 codes; Orthanc does not"));

    static OrthancServer orthanc;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        orthanc = OrthancServer.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (orthanc != null) {
            orthanc.close();
        }
    }

    enum Fate { REMOVED, EMPTIED, REPLACED, KEPT, ADDED }

    static Fate fate(DicomObject source, DicomObject out, int tag) {
        var before = source.get(tag);
        var after = out.get(tag);
        if (after.isEmpty()) {
            return Fate.REMOVED;
        }
        if (before.isEmpty()) {
            return Fate.ADDED;
        }
        if (after.get().isEmpty()) {
            return before.get().isEmpty() ? Fate.KEPT : Fate.EMPTIED;
        }
        return same(before.get(), after.get()) ? Fate.KEPT : Fate.REPLACED;
    }

    static boolean same(DicomElement a, DicomElement b) {
        if (a.isSequence() || b.isSequence()) {
            return a.sequence().map(s -> s.size()).equals(b.sequence().map(s -> s.size()));
        }
        if (a.vr().isText()) {
            return a.strings().equals(b.strings());
        }
        return a.equals(b.withTag(a.tag())) || a.length() == b.length() && a.bulkData().isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CT_small.dcm", "MR_small.dcm", "test-SR.dcm", "rtplan.dcm", "rtdose.dcm",
        "waveform_ecg.dcm", "SC_rgb_rle.dcm", "JPEG2000.dcm", "reportsi.dcm", "MR_small_RLE.dcm"})
    void attributeFatesAgreeWithOrthanc2021b(String name) throws Exception {
        Path path = PeerSupport.PYDICOM_FILES.resolve(name);
        PeerSupport.require(Files.isDirectory(PeerSupport.PYDICOM_FILES), "pydicom test files");
        PeerSupport.require(Files.exists(path), path.toString());
        DicomObject source = DicomReader.standard().read(path).dataset();
        String id = orthanc.upload(path);
        DicomObject theirs = DicomReader.standard().read(orthanc.anonymize(id, "{\"DicomVersion\":\"2021b\"}"))
                .dataset();
        DicomObject ours = new Deidentifier(DeidentificationPolicy.basic("orthanc-comparison-salt")
                .withBurnedInAnnotation(BurnedInAnnotationHandling.FLAG)).deidentify(source).dataset();
        TreeSet<Integer> tags = new TreeSet<>(Integer::compareUnsigned);
        source.forEach(e -> tags.add(e.tag()));
        theirs.forEach(e -> tags.add(e.tag()));
        ours.forEach(e -> tags.add(e.tag()));
        Map<String, String> disagreements = new TreeMap<>();
        int agreed = 0;
        assertTrue(ours.get(Tags.PixelData).equals(source.get(Tags.PixelData)), "pixel data untouched");
        tags.remove(Tags.PixelData); // Orthanc re-encodes some compressed pixel data; neither tool edits pixels
        for (int tag : tags) {
            Fate o = fate(source, ours, tag);
            Fate t = fate(source, theirs, tag);
            if (o == t || DOCUMENTED.containsKey(tag)) {
                agreed += o == t ? 1 : 0;
                continue;
            }
            disagreements.put(Tag.toString(tag) + " " + DataDictionary.standard().keyword(tag).orElse("private"),
                    "ours " + o + ", Orthanc " + t);
        }
        System.out.println(name + ": " + agreed + " attributes agree; undocumented differences: " + disagreements);
        assertTrue(agreed > 10, "compared too little: " + agreed);
        assertEquals(Map.of(), disagreements, name + ": undocumented differences from Orthanc");
        assertEquals("YES", theirs.getString(Tags.PatientIdentityRemoved).orElseThrow());
        assertEquals("YES", ours.getString(Tags.PatientIdentityRemoved).orElseThrow());
    }
}

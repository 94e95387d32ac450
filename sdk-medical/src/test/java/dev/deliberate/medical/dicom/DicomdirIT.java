package dev.deliberate.medical.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reads pydicom's DICOMDIR test sets into patient/study/series/instance trees and checks them against pydicom's own
 * reading of the same records (via {@code pydicom_dicomdir.py}).
 */
class DicomdirIT {
    private static final Path DIR = Peers.TEST_FILES.resolve("dicomdirtests");

    @Test
    void treeMatchesPydicomForEveryVariant() throws Exception {
        Peers.requirePydicom();
        Path script = Files.createTempFile("pydicom_dicomdir", ".py");
        try {
            try (var in = getClass().getResourceAsStream("pydicom_dicomdir.py")) {
                Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            DicomReader truncating = new DicomReader(DicomReadOptions.defaults().withAllowTruncated(true));
            for (String name : List.of("DICOMDIR", "DICOMDIR-implicit", "DICOMDIR-bigEnd", "DICOMDIR-reordered",
                    "DICOMDIR-nopatient", "DICOMDIR-nooffset")) {
                Path p = DIR.resolve(name);
                // DICOMDIR-nooffset is cut short by 24 bytes; pydicom reads it leniently, so must we
                Dicomdir d = Dicomdir.read(p, name.endsWith("nooffset") ? truncating : DicomReader.standard());
                assertTrue(d.builtFromOffsets(), name);
                Peers.Result r = Peers.run(List.of(Peers.PYTHON.toString(), script.toString(), p.toString()));
                assertEquals(0, r.code(), r.err());
                assertEquals(r.out().strip(), String.join("\n", lines(d)), name);
            }
        } finally {
            Files.deleteIfExists(script);
        }
    }

    @Test
    void patientsStudiesSeriesAndFilesResolve() throws Exception {
        Peers.requirePydicomFiles();
        Dicomdir d = Dicomdir.read(DIR.resolve("DICOMDIR"));
        assertEquals(2, d.patients().size()); // as pydicom_dicomdir.py lists
        DirectoryRecord patient = d.patients().get(0);
        DirectoryRecord study = patient.children().get(0);
        assertEquals("STUDY", study.type());
        DirectoryRecord series = study.children().get(0);
        assertEquals("SERIES", series.type());
        DirectoryRecord image = series.children().get(0);
        Path file = d.file(image).orElseThrow();
        assertTrue(Files.isRegularFile(file), file.toString());
        DicomObject ds = DicomReader.standard().read(file).dataset();
        assertEquals(image.attributes().getString(Tags.ReferencedSOPInstanceUIDInFile),
                ds.getString(Tags.SOPInstanceUID));
    }

    @Test
    void truncatedDicomdirIsRefusedWhenStrict() throws Exception {
        Peers.requirePydicomFiles();
        DicomParseException e = assertThrows(DicomParseException.class,
                () -> Dicomdir.read(DIR.resolve("DICOMDIR-nooffset")));
        assertEquals(10860, e.offset());
    }

    @Test
    void recordsWithoutOffsetsAreOrderedByType() throws Exception {
        Peers.requirePydicomFiles();
        Dicomdir reference = Dicomdir.read(DIR.resolve("DICOMDIR"));
        // the same records, in directory order, with every offset link removed
        List<DicomObject> records = new ArrayList<>();
        for (DirectoryRecord r : reference.allRecords()) {
            records.add(DicomObject.builder().setString(Tags.DirectoryRecordType, r.type())
                    .setString(Tags.ReferencedFileID, r.referencedFileId().toArray(new String[0])).build());
        }
        DicomObject ds = DicomObject.builder().setSequence(Tags.DirectoryRecordSequence, records).build();
        Dicomdir d = Dicomdir.of(ds, DIR);
        assertFalse(d.builtFromOffsets());
        assertEquals(lines(reference), lines(d));
    }

    @Test
    void emptyDicomdirHasNoRecords() throws Exception {
        Peers.requirePydicomFiles();
        assertEquals(List.of(), Dicomdir.read(DIR.resolve("DICOMDIR-empty.dcm")).roots());
    }

    private static List<String> lines(Dicomdir d) {
        List<String> out = new ArrayList<>();
        walk(d.roots(), 0, out);
        return out;
    }

    private static void walk(List<DirectoryRecord> records, int depth, List<String> out) {
        for (DirectoryRecord r : records) {
            out.add("  ".repeat(depth) + r.type() + " " + String.join("/", r.referencedFileId()));
            walk(r.children(), depth + 1, out);
        }
    }
}

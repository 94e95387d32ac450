package dev.deliberate.medical.deid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Dicomdir;
import dev.deliberate.medical.dicom.DirectoryRecord;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.VR;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyDeidentifierTest {
    @TempDir
    Path tmp;

    static DicomObject instance(String study, String series, String sop) {
        return DicomObject.builder()
                .setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
                .setString(Tags.SOPInstanceUID, sop)
                .setString(Tags.StudyInstanceUID, study)
                .setString(Tags.SeriesInstanceUID, series)
                .setString(Tags.PatientName, "Quixley^Marguerite").setString(Tags.PatientID, "MRN-88231477")
                .setString(Tags.Modality, "OT").setString(Tags.BurnedInAnnotation, "NO")
                .setString(Tags.InstanceNumber, "3")
                .build();
    }

    static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void outputNamesComeFromTheNewUidsAndNoInputNameSurvives() throws Exception {
        Path in = tmp.resolve("in/MRN-88231477");
        Files.createDirectories(in);
        DicomWriter.standard().write(instance("1.2.3", "1.2.3.1", "1.2.3.1.1"), in.resolve("Quixley_Marguerite_3.dcm"));
        DicomWriter.standard().write(instance("1.2.3", "1.2.3.1", "1.2.3.1.2"), in.resolve("Quixley_Marguerite_4.dcm"));
        Path out = tmp.resolve("out");
        try (StudyDeidentifier run = StudyDeidentifier.builder(DeidentificationPolicy.basic("names-test-salt"))
                .output(out).build()) {
            List<StudyDeidentifier.Outcome> o = run.add(tmp.resolve("in"));
            assertEquals(2, o.size());
            assertTrue(o.stream().allMatch(x -> x.status() == StudyDeidentifier.Status.WRITTEN), o.toString());
        }
        List<Path> written = files(out);
        assertEquals(3, written.size(), written.toString()); // two instances and the report
        for (Path p : written) {
            String rel = out.relativize(p).toString();
            assertFalse(rel.contains("MRN") || rel.contains("88231477") || rel.contains("Quixley")
                    || rel.contains("Marguerite"), rel);
        }
        assertTrue(Files.exists(out.resolve(StudyDeidentifier.REPORT_FILE)));
        UidRemapper u = new UidRemapper("names-test-salt".getBytes());
        Path expected = out.resolve(StudyDeidentifier.component(u.remap("1.2.3")))
                .resolve(StudyDeidentifier.component(u.remap("1.2.3.1")))
                .resolve(StudyDeidentifier.component(u.remap("1.2.3.1.1")));
        assertTrue(Files.exists(expected), "named by the hashed new UIDs: " + written);
        assertTrue(out.relativize(expected).toString().matches("[A-Z2-7]{8}/[A-Z2-7]{8}/[A-Z2-7]{8}"));
        DicomFile f = DicomReader.standard().read(expected);
        assertEquals(f.dataset().getString(Tags.SOPInstanceUID), f.fileMeta().getString(
                Tags.MediaStorageSOPInstanceUID), "file meta follows the replaced SOP Instance UID");
        assertFalse(Files.exists(out.resolve("DICOMDIR")), "no DICOMDIR unless one came in or it was asked for");
    }

    @Test
    void mappingFileOnlyOnRequestAndNeverInsideTheOutput() throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        DicomWriter.standard().write(instance("1.2.3", "1.2.3.1", "1.2.3.1.1"), in.resolve("Quixley.dcm"));
        assertThrows(IllegalArgumentException.class, () -> StudyDeidentifier.builder(DeidentificationPolicy.basic(
                "mapping-salt-1")).output(tmp.resolve("out")).mapping(tmp.resolve("out/map.tsv")).build());
        Path map = tmp.resolve("private/map.tsv");
        try (StudyDeidentifier run = StudyDeidentifier.builder(DeidentificationPolicy.basic("mapping-salt-1"))
                .output(tmp.resolve("out")).mapping(map).build()) {
            run.add(in);
        }
        String m = Files.readString(map);
        assertTrue(m.contains("Quixley.dcm"), m);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(map)));
        for (Path p : files(tmp.resolve("out"))) {
            assertFalse(Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1).contains("Quixley"), p
                    .toString());
        }
    }

    @Test
    void aStreamOfInstancesInSeparateRunsMapsToOneStudyWithTheSiteKey() throws Exception {
        Path key = tmp.resolve("keys/site.key");
        SiteKey k1 = SiteKey.loadOrCreate(key);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        Path out = tmp.resolve("out");
        StudyDeidentifier.Deidentified a;
        try (StudyDeidentifier run = StudyDeidentifier.builder(DeidentificationPolicy.basic(k1.bytes())).output(out)
                .build()) {
            a = run.write(new DicomFile(DicomObject.empty(), instance("1.2.3", "1.2.3.1", "1.2.3.1.1"),
                    dev.deliberate.medical.dicom.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), "assoc-1");
        }
        SiteKey k2 = SiteKey.loadOrCreate(key);
        assertEquals(k1.fingerprint(), k2.fingerprint(), "the key persists");
        assertFalse(k2.toString().contains(java.util.HexFormat.of().formatHex(k2.bytes())));
        StudyDeidentifier.Deidentified b;
        try (StudyDeidentifier run = StudyDeidentifier.builder(DeidentificationPolicy.basic(k2.bytes())).output(out)
                .build()) {
            b = run.write(new DicomFile(DicomObject.empty(), instance("1.2.3", "1.2.3.1", "1.2.3.1.2"),
                    dev.deliberate.medical.dicom.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), "assoc-2");
        }
        assertEquals(a.file().dataset().getString(Tags.StudyInstanceUID),
                b.file().dataset().getString(Tags.StudyInstanceUID));
        assertEquals(a.name().getParent(), b.name().getParent(), "same study and series folder");
        assertNotEquals(a.name(), b.name());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        DeidentificationException e = assertThrows(DeidentificationException.class, () -> SiteKey.load(key));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        Files.writeString(tmp.resolve("bad.key"), "not hex");
        Files.setPosixFilePermissions(tmp.resolve("bad.key"), PosixFilePermissions.fromString("rw-------"));
        assertThrows(DeidentificationException.class, () -> SiteKey.load(tmp.resolve("bad.key")));
    }

    @Test
    void emptyAndBareDatasetFilesFailClearlyAndNothingIsWritten() throws Exception {
        Path empty = tmp.resolve("empty.dcm");
        Files.write(empty, new byte[0]);
        Path bare = tmp.resolve("bare.dcm");
        byte[] full = DicomWriter.standard().toBytes(new DicomFile(DicomObject.empty(), instance("1.2", "1.2.1",
                "1.2.1.1"), dev.deliberate.medical.dicom.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        int metaEnd = 132 + 12 + (int) (full[140] & 0xFF | (full[141] & 0xFF) << 8);
        Files.write(bare, java.util.Arrays.copyOfRange(full, metaEnd, full.length));
        try (StudyDeidentifier run = StudyDeidentifier.builder(DeidentificationPolicy.basic("empty-salt-1")).build()) {
            for (Path p : List.of(empty, bare)) {
                StudyDeidentifier.Outcome o = run.add(p, tmp.resolve("o-" + p.getFileName()));
                assertEquals(StudyDeidentifier.Status.FAILED, o.status(), o.toString());
                assertTrue(o.message().contains("not a DICOM Part 10 file"), o.message());
                assertFalse(Files.exists(tmp.resolve("o-" + p.getFileName())));
            }
            assertEquals(StudyDeidentifier.Status.FAILED, run.add(empty).get(0).status(), "a named file fails");
        }
    }

    @Test
    void dicomdirIsRegeneratedWithTheNewNamesAndItsRecordsResolve() throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in.resolve("77654033/CR1"));
        List<DirectoryRecord> images = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            DicomObject ds = instance("1.2.9", "1.2.9.1", "1.2.9.1." + i);
            DicomWriter.standard().write(ds, in.resolve("77654033/CR1/615" + i));
            images.add(new DirectoryRecord("IMAGE", DicomObject.builder().setString(Tags.ReferencedFileID, VR.CS,
                    "77654033", "CR1", "615" + i).setString(Tags.ReferencedSOPInstanceUIDInFile, VR.UI,
                    "1.2.9.1." + i).build(), -1, List.of()));
        }
        DirectoryRecord series = new DirectoryRecord("SERIES", DicomObject.builder()
                .setString(Tags.SeriesInstanceUID, VR.UI, "1.2.9.1").build(), -1, images);
        DirectoryRecord study = new DirectoryRecord("STUDY", DicomObject.builder()
                .setString(Tags.StudyInstanceUID, VR.UI, "1.2.9").build(), -1, List.of(series));
        DirectoryRecord patient = new DirectoryRecord("PATIENT", DicomObject.builder()
                .setString(Tags.PatientID, VR.LO, "MRN-88231477").setString(Tags.PatientName, VR.PN,
                        "Quixley^Marguerite").build(), -1, List.of(study));
        DicomWriter.standard().write(Dicomdir.create("SRC", "1.2.9.99", List.of(patient)), in.resolve("DICOMDIR"));
        assertEquals(3, Dicomdir.read(in.resolve("DICOMDIR")).allRecords().stream()
                .filter(r -> r.type().equals("IMAGE")).count(), "the source DICOMDIR itself reads back");
        Path out = tmp.resolve("out");
        try (StudyDeidentifier run = StudyDeidentifier.builder(DeidentificationPolicy.basic("dicomdir-salt"))
                .output(out).build()) {
            run.add(in.resolve("DICOMDIR"));
        }
        Dicomdir dir = Dicomdir.read(out.resolve("DICOMDIR"));
        assertTrue(dir.builtFromOffsets(), "record offsets are real");
        List<DirectoryRecord> recs = dir.allRecords();
        assertEquals(List.of("PATIENT", "STUDY", "SERIES", "IMAGE", "IMAGE", "IMAGE"), recs.stream()
                .map(DirectoryRecord::type).toList());
        for (DirectoryRecord r : recs) {
            if (r.type().equals("IMAGE")) {
                Path f = dir.file(r).orElseThrow();
                assertTrue(Files.exists(f), f.toString());
                assertFalse(String.join("/", r.referencedFileId()).matches(".*(77654033|CR1|615).*"));
                assertEquals(r.attributes().getString(Tags.ReferencedSOPInstanceUIDInFile),
                        DicomReader.standard().read(f).dataset().getString(Tags.SOPInstanceUID));
            }
        }
        String text = Files.readString(out.resolve("DICOMDIR"), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("Quixley") || text.contains("88231477") || text.contains("1.2.9.1.1"), text);
    }

    @Test
    void aSecondRunIntoTheSameOutputKeepsTheEarlierInstancesInTheDicomdir() throws Exception {
        Path out = tmp.resolve("out");
        byte[] key = "two-runs-one-study".getBytes();
        for (String sop : List.of("1.2.7.1.1", "1.2.7.1.2")) {
            try (StudyDeidentifier run = StudyDeidentifier.builder(DeidentificationPolicy.basic(key)).output(out)
                    .dicomdir(StudyDeidentifier.DicomdirMode.ALWAYS).build()) {
                run.write(new DicomFile(DicomObject.empty(), instance("1.2.7", "1.2.7.1", sop),
                        dev.deliberate.medical.dicom.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), "arrival " + sop);
            }
        }
        Dicomdir dir = Dicomdir.read(out.resolve("DICOMDIR"));
        assertEquals(List.of("PATIENT", "STUDY", "SERIES", "IMAGE", "IMAGE"), dir.allRecords().stream()
                .map(DirectoryRecord::type).toList());
        for (DirectoryRecord r : dir.allRecords()) {
            if (r.type().equals("IMAGE")) {
                assertTrue(Files.exists(dir.file(r).orElseThrow()));
            }
        }
    }

    @Test
    void instancesArrivingConcurrentlyAreAllWrittenAndCountedOnce() throws Exception {
        Path out = tmp.resolve("out");
        int threads = 4;
        int each = 25;
        try (StudyDeidentifier run = StudyDeidentifier.builder(DeidentificationPolicy.basic("concurrent-salt"))
                .output(out).build()) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int tt = t;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            run.write(new DicomFile(DicomObject.empty(), instance("1.2.8", "1.2.8." + tt,
                                    "1.2.8." + tt + "." + i), dev.deliberate.medical.dicom.TransferSyntax
                                    .EXPLICIT_VR_LITTLE_ENDIAN), "association " + tt);
                        }
                        return null;
                    }));
                }
                for (var f : futures) {
                    f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(threads * each, run.count(StudyDeidentifier.Status.WRITTEN));
            assertEquals(threads * each, run.report().entriesFor(Tags.SOPInstanceUID).get(0).count());
        }
        assertEquals(threads * each, files(out).size() - 1, "every instance once, plus the report");
    }
}

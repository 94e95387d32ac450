package dev.deliberate.medical.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.medical.deid.DeidentificationPolicy;
import dev.deliberate.medical.deid.SiteKey;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.TransferSyntax;
import dev.deliberate.medical.testing.PeerSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * De-identification on receipt: DCMTK's storescu and the SDK's SCU send one study over several associations and
 * across a restart of the SCP; pydicom and dciodvfy judge what was stored.
 */
class StorageScpDeidIT {
    private static final AeTitle SCP = AeTitle.of("DEIDSCP");
    private static final String STUDY = "1.2.826.0.1.3680043.9.7741.3";
    private static final String NAME = "Quixley^Marguerite";
    private static final String MRN = "MRN88231477";
    private static final String ACCESSION = "ACC5521907";

    @TempDir
    Path tmp;

    private List<Path> writeSource(Path dir, int count, String burnedIn) throws Exception {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            DicomObject ds = NetFixtures.ct(STUDY, i, 16).toBuilder()
                    .setString(Tags.PatientName, NAME)
                    .setString(Tags.PatientID, MRN)
                    .setString(Tags.AccessionNumber, ACCESSION)
                    .setString(Tags.PatientBirthDate, "19610214")
                    .setString(Tags.BurnedInAnnotation, burnedIn)
                    .build();
            Path f = dir.resolve(NAME.replace('^', '_') + "_" + i + ".dcm"); // an identifying source name
            DicomWriter.standard().write(new DicomFile(DicomObject.empty(), ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN),
                    f);
            out.add(f);
        }
        return out;
    }

    private StorageScpOptions options(Path out, Path keyFile) throws Exception {
        return StorageScpOptions.defaults(SCP, out).withStudyCompleteAfter(Duration.ofMinutes(5))
                .withDeidentification(DeidentificationPolicy.basic(SiteKey.loadOrCreate(keyFile).bytes()));
    }

    @Test
    void oneStudyOverSeveralAssociationsAndARestartIsStoredDeidentifiedUnderOneSetOfUids() throws Exception {
        PeerSupport.requireCommand("storescu");
        PeerSupport.requireCommand("dciodvfy");
        PeerSupport.requirePydicom();
        List<Path> src = writeSource(tmp.resolve("src/" + MRN), 6, "NO");
        Path out = tmp.resolve("inbox");
        Path key = tmp.resolve("keys/site.key");
        List<StoredInstance> seen = new CopyOnWriteArrayList<>();
        StorageListener listener = new StorageListener() {
            @Override
            public void instanceStored(StoredInstance i) {
                seen.add(i);
            }
        };
        try (StorageScp scp = StorageScp.start(options(out, key), listener)) {
            // association 1: DCMTK, three files
            PeerSupport.Result r = PeerSupport.run(List.of("storescu", "-aet", "DCMTKSCU", "-aec", SCP.value(),
                    "127.0.0.1", String.valueOf(scp.port()), src.get(0).toString(), src.get(1).toString(),
                    src.get(2).toString()), 60);
            assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
            // association 2: the SDK's SCU, two more
            StoreScu.Summary s = StoreScu.send(new StoreScu.Target("127.0.0.1", scp.port(), AeTitle.of("SDKSCU"), SCP,
                    AssociationOptions.defaults()), src.subList(3, 5), p -> { });
            assertEquals(2, s.stored(), s.outcomes().toString());
        }
        // a restart with the same key file: the last instance of the study arrives in a new run
        try (StorageScp scp = StorageScp.start(options(out, key), listener)) {
            PeerSupport.Result r = PeerSupport.run(List.of("storescu", "-aet", "DCMTKSCU", "-aec", SCP.value(),
                    "127.0.0.1", String.valueOf(scp.port()), src.get(5).toString()), 60);
            assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        }

        List<Path> stored = new ArrayList<>();
        List<Path> reports = new ArrayList<>();
        for (Path f : NetFixtures.filesUnder(out)) {
            String rel = out.relativize(f).toString();
            if (rel.startsWith(StorageScp.DEID_REPORTS + "/")) {
                reports.add(f);
            } else {
                stored.add(f);
                assertTrue(rel.matches("[A-Z2-7]{8}/[A-Z2-7]{8}/[A-Z2-7]{8}"), "name from the new UIDs only: " + rel);
            }
        }
        assertEquals(6, stored.size(), "every instance stored once, no temporary file left: " + stored);
        assertEquals(1, stored.stream().map(f -> out.relativize(f).getName(0)).distinct().count(), "one study folder");

        // no identifier anywhere in the stored bytes (names, meta, dataset), nor the source UIDs
        for (Path f : stored) {
            String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            for (String id : List.of("Quixley", "Marguerite", MRN, ACCESSION, "19610214", STUDY)) {
                assertFalse(bytes.contains(id), f + " contains " + id);
            }
        }

        // pydicom reads each file: one study, one series, six instances, meta and dataset agree, identity removed
        List<String> py = new ArrayList<>(List.of(PeerSupport.PYTHON, "-c", String.join("\n",
                "import sys, pydicom",
                "for f in sys.argv[1:]:",
                "    d = pydicom.dcmread(f)",
                "    print(d.StudyInstanceUID, d.SeriesInstanceUID, d.SOPInstanceUID,",
                "          d.file_meta.MediaStorageSOPInstanceUID, d.PatientIdentityRemoved, str(d.PatientName) or '-')")));
        stored.forEach(f -> py.add(f.toString()));
        PeerSupport.Result p = PeerSupport.run(py, 60);
        assertEquals(0, p.exitCode(), p.stderr());
        Set<String> studies = new HashSet<>();
        Set<String> series = new HashSet<>();
        Set<String> sops = new HashSet<>();
        for (String line : p.stdout().strip().split("\n")) {
            String[] w = line.split(" ");
            studies.add(w[0]);
            series.add(w[1]);
            sops.add(w[2]);
            assertEquals(w[2], w[3], "MediaStorageSOPInstanceUID equals SOPInstanceUID: " + line);
            assertEquals("YES", w[4], line);
            assertNotEquals(NAME, w[5], line);
        }
        assertEquals(1, studies.size(), "the same replacement Study UID across associations and runs: " + studies);
        assertEquals(1, series.size());
        assertEquals(6, sops.size());
        assertFalse(studies.contains(STUDY));

        // dciodvfy: de-identification adds no error to what it reports on the source
        Set<String> before = dciodvfyErrors(src.get(0));
        for (Path f : stored) {
            Set<String> after = dciodvfyErrors(f);
            after.removeAll(before);
            assertEquals(Set.of(), after, f + ": errors introduced by de-identification");
        }

        // listeners saw only the new UIDs and the stored files
        assertEquals(6, seen.size());
        for (StoredInstance i : seen) {
            assertEquals(studies.iterator().next(), i.studyInstanceUid());
            assertTrue(stored.contains(i.file()), i.file().toString());
        }

        // a report per study and run: two runs of the one study, six instances written in all, no values inside
        assertEquals(2, reports.size(), reports.toString());
        long written = 0;
        for (Path r : reports) {
            String text = Files.readString(r);
            assertFalse(text.contains("Quixley") || text.contains(MRN), "the report holds tags, not values");
            JsonNode j = new ObjectMapper().readTree(text);
            written += j.path("instances").path("WRITTEN").asLong();
            assertEquals(SiteKey.loadOrCreate(key).fingerprint(), j.path("keyFingerprint").asText());
            assertTrue(j.path("attributes").size() > 0);
        }
        assertEquals(6, written);
    }

    @Test
    void aRefusedInstanceGetsAFailureStatusAndLeavesNothing() throws Exception {
        List<Path> src = writeSource(tmp.resolve("src"), 1, "YES");
        Path out = tmp.resolve("inbox");
        try (StorageScp scp = StorageScp.start(options(out, tmp.resolve("k")), StorageListener.none())) {
            StoreScu.Summary s = StoreScu.send(new StoreScu.Target("127.0.0.1", scp.port(), AeTitle.of("SDKSCU"), SCP,
                    AssociationOptions.defaults()), src, p -> { });
            assertEquals(1, s.failed());
            StoreResult r = s.outcomes().get(0).result().orElseThrow();
            assertEquals(0xC000, r.status().code());
            assertTrue(r.status().errorComment().orElse("").contains("refused"), r.status().toString());
        }
        List<Path> left = NetFixtures.filesUnder(out);
        assertTrue(left.stream().allMatch(f -> out.relativize(f).startsWith(StorageScp.DEID_REPORTS)),
                "nothing but the report: " + left);
    }

    private static Set<String> dciodvfyErrors(Path file) {
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

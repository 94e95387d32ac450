package dev.deliberate.medical.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.DatasetDiff;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.testing.PeerSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The SDK's SCU and SCP against a real Orthanc: C-ECHO, C-STORE, C-FIND at every level, C-MOVE back to the SDK. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrthancDimseIT {
    private static final AeTitle SCU = AeTitle.of("SDKSCU");
    private static final AeTitle SCP = AeTitle.of("SDKSCP");
    private static final AeTitle ORTHANC = AeTitle.of("ORTHANC");
    private static final List<String> FILES = List.of("CT_small.dcm", "MR_small.dcm", "JPEG2000.dcm",
            "SC_rgb_rle.dcm");

    @TempDir
    static Path tmp;

    private OrthancDimse orthanc;
    private StorageScp scp;
    private final List<CompletedStudy> studies = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile CountDownLatch studyDone = new CountDownLatch(1);
    private final List<DicomFile> sent = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        PeerSupport.requireCommand("Orthanc");
        scp = StorageScp.start(StorageScpOptions.defaults(SCP, tmp.resolve("received"))
                .withStudyCompleteAfter(Duration.ofMillis(500)), new StorageListener() {
                    @Override
                    public void studyCompleted(CompletedStudy s) {
                        studies.add(s);
                        studyDone.countDown();
                    }
                });
        orthanc = OrthancDimse.start(tmp.resolve("orthanc"), SCU.value(), SCP.value(), scp.port());
        List<Path> files = FILES.stream().map(PeerSupport::pydicomFile).toList();
        try (Association a = open(PresentationContexts.forFiles(files))) {
            assertEquals(DimseStatus.SUCCESS, a.echo());
            for (Path f : files) {
                StoreResult r = a.store(f);
                assertEquals(DimseStatus.SUCCESS, r.status(), f + " " + r);
                sent.add(DicomReader.standard().read(f));
            }
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (orthanc != null) {
            orthanc.close();
        }
        if (scp != null) {
            scp.close();
        }
    }

    private Association open(List<PresentationContext> contexts) throws Exception {
        return Association.open("127.0.0.1", orthanc.dicomPort, AssociationRequest.of(SCU, ORTHANC, contexts),
                AssociationOptions.defaults());
    }

    @Test
    void orthancHoldsWhatWasStoredUnchanged() throws Exception {
        String ids = orthanc.get("/instances").body();
        assertEquals(FILES.size(), ids.split(",").length, ids);
        for (DicomFile f : sent) {
            String sop = f.dataset().getString(Tags.SOPInstanceUID).orElseThrow();
            String body = post("/tools/lookup", sop);
            String id = body.replaceAll("(?s).*\"ID\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            byte[] copy = orthanc.getBytes("/instances/" + id + "/file");
            DicomFile got = DicomReader.standard().read(copy);
            assertEquals(f.transferSyntax().uid(), got.transferSyntax().uid(), sop);
            assertEquals(List.of(), DatasetDiff.differences(f.dataset(), got.dataset()).stream()
                    .filter(d -> !d.startsWith("(FFFC,FFFC)")).toList(), sop);
        }
    }

    private String post(String path, String body) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                + orthanc.httpPort + path)).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void findAtStudySeriesAndImageLevelsReturnsTheKeysOfTheStoredFiles() throws Exception {
        DicomObject ct = sent.get(0).dataset();
        String study = ct.getString(Tags.StudyInstanceUID).orElseThrow();
        String patient = ct.getString(Tags.PatientID).orElseThrow();
        try (Association a = open(PresentationContexts.queryRetrieve(QueryModel.STUDY_ROOT))) {
            FindResult studiesFound = a.find(Query.of(QueryModel.STUDY_ROOT, QueryLevel.STUDY,
                    Map.of("PatientID", patient)));
            assertEquals(DimseStatus.SUCCESS, studiesFound.status());
            assertTrue(studiesFound.matches().stream().anyMatch(m -> study.equals(
                    m.getString(Tags.StudyInstanceUID).orElse(""))), studiesFound.toString());
            DicomObject m = studiesFound.matches().stream().filter(x -> study.equals(
                    x.getString(Tags.StudyInstanceUID).orElse(""))).findFirst().orElseThrow();
            assertEquals(ct.getString(Tags.StudyDate), m.getString(Tags.StudyDate));
            assertEquals(ct.getString(Tags.PatientName), m.getString(Tags.PatientName));

            FindResult series = a.find(Query.of(QueryModel.STUDY_ROOT, QueryLevel.SERIES,
                    Map.of("StudyInstanceUID", study)));
            assertEquals(DimseStatus.SUCCESS, series.status());
            assertEquals(Set.of(ct.getString(Tags.SeriesInstanceUID).orElseThrow()), Set.copyOf(series.matches()
                    .stream().map(x -> x.getString(Tags.SeriesInstanceUID).orElse("")).toList()));
            assertEquals(ct.getString(Tags.Modality), series.matches().get(0).getString(Tags.Modality));

            FindResult images = a.find(Query.of(QueryModel.STUDY_ROOT, QueryLevel.IMAGE, Map.of(
                    "StudyInstanceUID", study, "SeriesInstanceUID", ct.getString(Tags.SeriesInstanceUID).orElseThrow())));
            assertEquals(List.of(ct.getString(Tags.SOPInstanceUID).orElseThrow()), images.matches().stream()
                    .map(x -> x.getString(Tags.SOPInstanceUID).orElse("")).toList());

            FindResult wildcard = a.find(Query.of(QueryModel.STUDY_ROOT, QueryLevel.STUDY, Map.of()), 2, x -> { });
            assertTrue(wildcard.matches().size() <= 2 && !wildcard.matches().isEmpty(), wildcard.toString());
        }
        try (Association a = open(PresentationContexts.queryRetrieve(QueryModel.PATIENT_ROOT))) {
            FindResult patients = a.find(Query.of(QueryModel.PATIENT_ROOT, QueryLevel.PATIENT,
                    Map.of("PatientID", patient)));
            assertEquals(DimseStatus.SUCCESS, patients.status());
            assertEquals(List.of(patient), patients.matches().stream()
                    .map(x -> x.getString(Tags.PatientID).orElse("")).toList());
        }
    }

    @Test
    void moveSendsTheStudyToTheSdkScpAndAnUnknownDestinationFailsWithItsStatus() throws Exception {
        DicomFile mr = sent.get(1);
        String study = mr.dataset().getString(Tags.StudyInstanceUID).orElseThrow();
        studyDone = new CountDownLatch(1);
        try (Association a = open(PresentationContexts.queryRetrieve(QueryModel.STUDY_ROOT))) {
            MoveResult r = a.moveStudy(SCP, study);
            assertEquals(DimseStatus.SUCCESS, r.status(), r.toString());
            assertEquals(1, r.completed());
            assertEquals(0, r.failed());
            MoveResult unknown = a.moveStudy(AeTitle.of("NOBODY"), study);
            assertEquals(DimseStatus.Category.FAILURE, unknown.status().category(), unknown.toString());
        }
        assertTrue(studyDone.await(20, TimeUnit.SECONDS), "the moved study is reported complete");
        CompletedStudy done = studies.stream().filter(s -> s.studyInstanceUid().equals(study)).findFirst()
                .orElseThrow();
        assertEquals(1, done.instances().size());
        DicomFile got = DicomReader.standard().read(done.instances().get(0).file());
        assertEquals("ORTHANC", done.instances().get(0).callingAeTitle().value());
        assertEquals(List.of(), DatasetDiff.differences(mr.dataset(), got.dataset()).stream()
                .filter(d -> !d.startsWith("(FFFC,FFFC)")).toList());
    }

    @Test
    void getRetrievesTheStudyOverTheSameAssociationIntactAndAnUnknownStudyMatchesNothing() throws Exception {
        DicomFile ct = sent.get(0);
        String study = ct.dataset().getString(Tags.StudyInstanceUID).orElseThrow();
        String sopClass = ct.dataset().getString(Tags.SOPClassUID).orElseThrow();
        Path into = tmp.resolve("got");
        List<String> classes = List.of(sopClass, "1.2.840.10008.5.1.4.1.1.4"); // CT, MR
        try (Association a = Association.open("127.0.0.1", orthanc.dicomPort, new AssociationRequest(SCU, ORTHANC,
                PresentationContexts.retrieveWithGet(QueryModel.STUDY_ROOT, classes),
                PresentationContexts.scpRoles(classes)), AssociationOptions.defaults())) {
            GetResult r = a.getStudy(study, into);
            assertEquals(DimseStatus.SUCCESS, r.status(), r.toString());
            assertEquals(1, r.completed(), r.toString());
            assertEquals(0, r.failed());
            assertEquals(0, r.refused());
            String sop = ct.dataset().getString(Tags.SOPInstanceUID).orElseThrow();
            assertEquals(List.of(into.resolve(study).resolve(sop + ".dcm")), r.stored());
            DicomFile got = DicomReader.standard().read(r.stored().get(0));
            assertEquals(List.of(), DatasetDiff.differences(ct.dataset(), got.dataset()).stream()
                    .filter(d -> !d.startsWith("(FFFC,FFFC)")).toList());
            assertEquals(sop, got.fileMeta().getString(Tags.MediaStorageSOPInstanceUID).orElseThrow());

            // the association stays usable; a study Orthanc does not hold retrieves nothing
            GetResult none = a.getStudy("2.25.123456789", into);
            assertEquals(0, none.completed(), none.toString());
            assertEquals(List.of(), none.stored());
        }
        assertEquals(List.of(into.resolve(study).resolve(ct.dataset().getString(Tags.SOPInstanceUID).orElseThrow()
                + ".dcm")), NetFixtures.filesUnder(into), "no temporary file left");
    }
}

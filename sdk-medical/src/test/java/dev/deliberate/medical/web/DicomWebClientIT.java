package dev.deliberate.medical.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.DicomElement;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.Sequence;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.VR;
import dev.deliberate.medical.testing.PeerSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DICOMweb client against a real Orthanc with its DICOMweb plugin: pydicom's test files (read in place) go in by
 * STOW-RS, QIDO-RS finds them, WADO-RS and WADO-URI give back exactly the bytes Orthanc stores, metadata matches.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DicomWebClientIT {
    /** Distinct SOP instances over many transfer syntaxes and IODs. */
    static final List<String> FILES = List.of("CT_small.dcm", "MR_small_bigendian.dcm", "ExplVR_BigEnd.dcm",
            "JPEG2000.dcm", "JPEG-lossy.dcm", "SC_rgb_rle.dcm", "image_dfl.dcm", "rtplan.dcm", "test-SR.dcm",
            "waveform_ecg.dcm", "liver_1frame.dcm", "J2K_pixelrep_mismatch.dcm", "SC_rgb_jpeg_dcmd.dcm");

    @TempDir
    Path tmp;

    private OrthancDicomWeb orthanc;
    private DicomWebClient web;
    private final Map<String, Path> bySop = new LinkedHashMap<>();
    private final Map<String, DicomObject> datasets = new HashMap<>();
    private StowResult stored;
    private final List<int[]> storeProgress = new ArrayList<>();

    @BeforeAll
    void startOrthancAndStore() throws Exception {
        orthanc = OrthancDicomWeb.start(Files.createTempDirectory("orthanc-dicomweb"));
        web = DicomWebClient.builder(orthanc.dicomWebRoot()).auth(orthanc.auth()).wadoUri(orthanc.wadoUri())
                .build();
        List<Path> files = new ArrayList<>();
        for (String name : FILES) {
            Path f = PeerSupport.pydicomFile(name);
            DicomObject ds = DicomReader.standard().read(f).dataset();
            String sop = ds.getString(Tags.SOPInstanceUID).orElseThrow();
            bySop.put(sop, f);
            datasets.put(sop, ds);
            files.add(f);
        }
        stored = web.store(files, (n, bytes) -> storeProgress.add(new int[] {n, (int) bytes}));
    }

    @AfterAll
    void stop() throws Exception {
        if (web != null) {
            web.close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
    }

    private String study(String sop) {
        return datasets.get(sop).getString(Tags.StudyInstanceUID).orElseThrow();
    }

    private String series(String sop) {
        return datasets.get(sop).getString(Tags.SeriesInstanceUID).orElseThrow();
    }

    @Test
    void stowReportsEveryInstanceStored() throws IOException {
        assertTrue(stored.allStored(), () -> "failed: " + stored.failed());
        assertEquals(200, stored.httpStatus());
        assertEquals(bySop.keySet(), stored.stored().stream().map(StowResult.StoredInstance::sopInstanceUid)
                .collect(Collectors.toSet()));
        for (StowResult.StoredInstance s : stored.stored()) {
            assertEquals(datasets.get(s.sopInstanceUid()).getString(Tags.SOPClassUID).orElseThrow(), s.sopClassUid());
            assertTrue(s.retrieveUrl().orElseThrow().endsWith("/instances/" + s.sopInstanceUid()), s.retrieveUrl()
                    .toString());
        }
        long total = 0;
        for (Path f : bySop.values()) {
            total += Files.size(f);
        }
        assertEquals(FILES.size(), storeProgress.get(storeProgress.size() - 1)[0]);
        assertEquals(total, storeProgress.get(storeProgress.size() - 1)[1]);
    }

    @Test
    void stowOfSomethingThatIsNoDicomIsATypedError() throws IOException {
        Path junk = tmp.resolve("junk.dcm");
        Files.writeString(junk, "not a DICOM file at all");
        // Orthanc answers 400 with empty Referenced and Failed SOP Sequences
        DicomWebStatusException e = assertThrows(DicomWebStatusException.class, () -> web.store(List.of(junk)));
        assertEquals("POST " + orthanc.dicomWebRoot() + "studies: HTTP 400 Bad Request", e.getMessage());
    }

    @Test
    void qidoFindsStudiesSeriesAndInstances() {
        String ct = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";
        List<DicomObject> studies = web.search(QidoQuery.studies().match("PatientID",
                datasets.get(ct).getString(Tags.PatientID).orElseThrow()).includeField("StudyDescription"));
        assertEquals(List.of(study(ct)), studies.stream().map(s -> s.getString(Tags.StudyInstanceUID).orElseThrow())
                .toList());
        assertEquals(datasets.get(ct).getString(Tags.StudyDate), studies.get(0).getString(Tags.StudyDate));

        Set<String> allStudies = bySop.keySet().stream().map(this::study).collect(Collectors.toCollection(TreeSet::new));
        Set<String> found = web.search(QidoQuery.studies()).stream()
                .map(s -> s.getString(Tags.StudyInstanceUID).orElseThrow()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(allStudies, found);

        // paging: two pages of two make four distinct studies
        List<DicomObject> page1 = web.search(QidoQuery.studies().withLimit(2));
        List<DicomObject> page2 = web.search(QidoQuery.studies().withLimit(2).withOffset(2));
        assertEquals(2, page1.size());
        assertEquals(2, page2.size());
        Set<String> four = new TreeSet<>();
        page1.forEach(s -> four.add(s.getString(Tags.StudyInstanceUID).orElseThrow()));
        page2.forEach(s -> four.add(s.getString(Tags.StudyInstanceUID).orElseThrow()));
        assertEquals(4, four.size());

        List<DicomObject> series = web.search(QidoQuery.series().inStudy(study(ct)));
        assertEquals(List.of(series(ct)), series.stream().map(s -> s.getString(Tags.SeriesInstanceUID).orElseThrow())
                .toList());
        List<DicomObject> instances = web.search(QidoQuery.instances().inSeries(study(ct), series(ct)));
        assertEquals(List.of(ct), instances.stream().map(s -> s.getString(Tags.SOPInstanceUID).orElseThrow()).toList());

        // instances across all studies, matched on a series attribute
        List<DicomObject> sr = web.search(QidoQuery.instances().match("Modality", "SR"));
        assertEquals(Set.of("1.2.276.0.7230010.3.1.4.2139363186.7819.982086466.4"), sr.stream()
                .map(i -> i.getString(Tags.SOPInstanceUID).orElseThrow()).collect(Collectors.toSet()));
        // wildcard matching of a person name
        String name = datasets.get(ct).getString(Tags.PatientName).orElseThrow();
        List<DicomObject> wild = web.search(QidoQuery.studies().match("PatientName", name.substring(0, 5) + "*"));
        assertTrue(wild.stream().anyMatch(s -> s.getString(Tags.StudyInstanceUID).orElseThrow().equals(study(ct))),
                name + ": " + wild);
        assertEquals(List.of(), web.search(QidoQuery.studies().match("PatientID", "NOBODY-HERE")));
    }

    @Test
    void wadoRsGivesBackExactlyWhatOrthancStores() throws Exception {
        Set<String> studies = bySop.keySet().stream().map(this::study).collect(Collectors.toCollection(TreeSet::new));
        Path out = tmp.resolve("wado-rs");
        int files = 0;
        List<int[]> progress = new ArrayList<>();
        for (String studyUid : studies) {
            List<Path> written = web.retrieve(WadoTarget.study(studyUid), out, (n, b) -> progress.add(new int[] {n}));
            files += written.size();
            for (Path p : written) {
                String sop = p.getFileName().toString().replace(".dcm", "");
                assertTrue(bySop.containsKey(sop), p.toString());
                assertEquals(studyUid, study(sop));
                byte[] expected = orthanc.storedFile(sop);
                assertArrayEquals(expected, Files.readAllBytes(p), sop);
                // Orthanc keeps what it was sent: the original file comes back
                assertArrayEquals(Files.readAllBytes(bySop.get(sop)), expected, sop);
            }
        }
        assertEquals(bySop.size(), files);
        try (var s = Files.list(out)) {
            assertEquals(bySop.size(), s.count(), "only complete instance files, no temporary ones");
        }
        assertFalse(progress.isEmpty());
    }

    @Test
    void wadoRsStreamsPartsToAConsumerAndRetrievesSeriesAndInstances() throws Exception {
        String sop = "1.3.6.1.4.1.20029.40.20130125105919.5407.1.1"; // the ECG, 291 KB
        List<String> types = new ArrayList<>();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int n = web.retrieve(WadoTarget.instance(study(sop), series(sop), sop), part -> {
            types.add(part.contentType());
            part.body().transferTo(got);
        });
        assertEquals(1, n);
        assertTrue(types.get(0).startsWith("application/dicom"), types.toString());
        assertArrayEquals(orthanc.storedFile(sop), got.toByteArray());

        List<Path> series = web.retrieve(WadoTarget.series(study(sop), series(sop)), tmp.resolve("series"),
                TransferListener.NONE);
        assertEquals(List.of(tmp.resolve("series").resolve(sop + ".dcm")), series);
    }

    @Test
    void wadoUriGivesBackExactlyWhatOrthancStores() throws Exception {
        for (String sop : bySop.keySet()) {
            Path f = tmp.resolve("uri-" + sop + ".dcm");
            long n = web.wadoUri(study(sop), series(sop), sop, f);
            byte[] expected = orthanc.storedFile(sop);
            assertEquals(expected.length, n, sop);
            assertArrayEquals(expected, Files.readAllBytes(f), sop);
        }
    }

    /**
     * J2K_pixelrep_mismatch.dcm is in ISO 2022 IR 13 (JIS X 0201): Orthanc decodes the text before splitting values,
     * so its metadata turns the 0x5C delimiter into a yen sign inside one value and gives its DS values as empty
     * arrays (pydicom and this SDK split first, as PS3.5 6.1.2.5.3 says). Its bytes are still compared by WADO.
     */
    static final String ORTHANC_MISDECODES = "1.2.392.200036.9123.100.11.15002200303521616157144551003340153";

    @Test
    void metadataMatchesTheFiles() {
        for (String sop : bySop.keySet()) {
            if (sop.equals(ORTHANC_MISDECODES)) {
                continue;
            }
            List<InstanceMetadata> md = web.metadata(WadoTarget.instance(study(sop), series(sop), sop));
            assertEquals(1, md.size(), sop);
            DicomObject meta = md.get(0).dataset();
            DicomObject file = datasets.get(sop);
            assertEquals(sop, meta.getString(Tags.SOPInstanceUID).orElseThrow());
            int compared = compare(file, meta, sop);
            assertTrue(compared >= 10, sop + ": only " + compared + " attributes compared");
            if (file.get(Tags.PixelData).map(e -> e.encapsulated().isEmpty()).orElse(false)) {
                // native pixel data comes by reference (Orthanc leaves encapsulated pixel data out of metadata)
                assertTrue(md.get(0).bulkData().stream().anyMatch(b -> b.path().equals("7FE00010")),
                        sop + ": " + md.get(0).bulkData());
            }
        }
        // bulk data by reference: Orthanc names its own host ("localhost"), the client fetches from the service root
        String ct0 = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";
        InstanceMetadata md = web.metadata(WadoTarget.instance(study(ct0), series(ct0), ct0)).get(0);
        BulkDataReference pixels = md.bulkData().stream().filter(b -> b.path().equals("7FE00010")).findFirst()
                .orElseThrow();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try {
            long n = web.retrieveBulkData(pixels, got);
            byte[] expected = datasets.get(ct0).getBulkData(Tags.PixelData).orElseThrow().read();
            assertEquals(expected.length, n);
            assertArrayEquals(expected, got.toByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        DicomWebProtocolException elsewhere = assertThrows(DicomWebProtocolException.class,
                () -> web.retrieveBulkData(new BulkDataReference("7FE00010", VR.OW,
                        "http://evil.example/other/bulk/7fe00010"), new ByteArrayOutputStream()));
        assertEquals("bulk data URI http://evil.example/other/bulk/7fe00010 is not on the service "
                + orthanc.dicomWebRoot() + "; not fetched, so credentials stay with the service",
                elsewhere.getMessage());
        // a whole study's metadata: one dataset per instance
        String ct = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";
        assertEquals(1, web.metadata(WadoTarget.study(study(ct))).size());
        List<String> streamed = new ArrayList<>();
        assertEquals(1, web.metadata(WadoTarget.study(study(ct)),
                m -> streamed.add(m.dataset().getString(Tags.SOPInstanceUID).orElseThrow())));
        assertEquals(List.of(ct), streamed);
    }

    /** Every attribute Orthanc gave inline has the file's value; returns how many were compared. */
    private static int compare(DicomObject file, DicomObject meta, String where) {
        int n = 0;
        for (DicomElement m : meta) {
            String at = where + " " + String.format("%08X", m.tag());
            DicomElement f = file.get(m.tag()).orElseThrow(() -> new AssertionError(at + " is not in the file"));
            n++;
            if (f.vr() == VR.UN && m.vr() != VR.UN) {
                n--; // the file says UN, Orthanc's dictionary gave a VR: compared as bytes only by WADO
                continue;
            }
            if (m.sequence().isPresent()) {
                Sequence ms = m.sequence().get();
                Sequence fs = f.sequence().orElseThrow(() -> new AssertionError(at + " is no sequence in the file"));
                assertEquals(fs.size(), ms.size(), at);
                for (int i = 0; i < ms.size(); i++) {
                    n += compare(fs.get(i), ms.get(i), at + "/" + i);
                }
            } else if (m.vr() == VR.IS || m.vr() == VR.DS) {
                List<String> a = file.getStrings(m.tag());
                List<String> b = meta.getStrings(m.tag());
                assertEquals(a.size(), b.size(), at);
                for (int i = 0; i < a.size(); i++) {
                    if (!a.get(i).isBlank()) {
                        assertEquals(0, new BigDecimal(a.get(i).strip()).compareTo(new BigDecimal(b.get(i).strip())),
                                at + ": " + a + " vs " + b);
                    }
                }
            } else if (m.vr().isText()) {
                assertEquals(file.getStrings(m.tag()).stream().map(String::strip).toList(),
                        meta.getStrings(m.tag()).stream().map(String::strip).toList(), at);
            } else if (m.vr() == VR.US || m.vr() == VR.SS || m.vr() == VR.UL || m.vr() == VR.SL) {
                assertArrayEquals(file.getInts(m.tag()), meta.getInts(m.tag()), at);
            } else if (m.vr() == VR.FL || m.vr() == VR.FD) {
                assertArrayEquals(file.getDoubles(m.tag()), meta.getDoubles(m.tag()), at);
            } else {
                n--;
            }
        }
        return n;
    }

    @Test
    void errorsAreTypedWithTheServersMessage() throws IOException {
        DicomWebNotFoundException missing = assertThrows(DicomWebNotFoundException.class,
                () -> web.metadata(WadoTarget.study("1.2.3.4.5.6.7")));
        assertEquals(404, missing.statusCode());
        assertEquals("GET " + orthanc.dicomWebRoot() + "studies/1.2.3.4.5.6.7/metadata: HTTP 404 Not Found: "
                + "Accessing an inexistent study with WADO-RS: 1.2.3.4.5.6.7", missing.getMessage());
        assertThrows(DicomWebNotFoundException.class,
                () -> web.retrieve(WadoTarget.study("1.2.3.4.5.6.7"), tmp.resolve("none"), TransferListener.NONE));

        try (DicomWebClient wrong = DicomWebClient.builder(orthanc.dicomWebRoot())
                .auth(DicomWebAuth.basic(OrthancDicomWeb.USER, "not-the-password")).build()) {
            DicomWebAuthException denied = assertThrows(DicomWebAuthException.class,
                    () -> wrong.search(QidoQuery.studies()));
            assertEquals(401, denied.statusCode());
            assertFalse(denied.getMessage().contains("not-the-password"));
        }
        try (DicomWebClient none = DicomWebClient.builder(orthanc.dicomWebRoot()).build()) {
            assertThrows(DicomWebAuthException.class, () -> none.search(QidoQuery.studies()));
        }
    }

    @Test
    void anUnreachableServerIsAConnectionError() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (DicomWebClient gone = DicomWebClient.builder(URI.create("http://127.0.0.1:" + port + "/dicom-web"))
                .build()) {
            DicomWebConnectionException e = assertThrows(DicomWebConnectionException.class,
                    () -> gone.search(QidoQuery.studies().match("PatientName", "Doe^Jane")));
            assertEquals("GET http://127.0.0.1:" + port + "/dicom-web/studies: cannot connect to 127.0.0.1:" + port
                    + " (connection refused)", e.getMessage());
        }
    }

    @Test
    void retrievedFilesAreValidDicom() throws Exception {
        String sop = "1.3.6.1.4.1.5962.1.1.0.0.0.977067309.6001.0"; // image_dfl.dcm, deflated
        List<Path> files = web.retrieve(WadoTarget.instance(study(sop), series(sop), sop), tmp.resolve("dfl"),
                TransferListener.NONE);
        DicomFile f = DicomReader.standard().read(files.get(0));
        assertEquals(sop, f.dataset().getString(Tags.SOPInstanceUID).orElseThrow());
        assertEquals("1.2.840.10008.1.2.1.99", f.transferSyntax().uid());
    }
}

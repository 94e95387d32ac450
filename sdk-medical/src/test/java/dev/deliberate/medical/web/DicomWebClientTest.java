package dev.deliberate.medical.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a scripted loopback HTTP server: headers sent, faulty answers, stalls. */
class DicomWebClientTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicReference<byte[]> lastBody =
            new java.util.concurrent.atomic.AtomicReference<>(new byte[0]);

    @FunctionalInterface
    interface Handler {
        void handle(HttpExchange ex) throws IOException;
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            try {
                ex.getRequestHeaders().forEach((k, v) -> lastHeaders.put(k.toLowerCase(), String.join(",", v)));
                lastBody.set(ex.getRequestBody().readAllBytes());
                lastHeaders.put(":path", ex.getRequestURI().getRawPath()
                        + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery()));
                ex.getRequestBody().readAllBytes();
                Handler h = routes.get(ex.getRequestURI().getPath());
                if (h == null) {
                    send(ex, 404, "text/plain", "no route");
                } else {
                    h.handle(ex);
                }
            } catch (IOException e) {
                // the client went away
            } finally {
                ex.close();
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private URI root() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/dicom-web");
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    private static byte[] instance(String sop) throws IOException {
        DicomObject ds = DicomObject.builder().setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
                .setString(Tags.SOPInstanceUID, sop).setString(Tags.StudyInstanceUID, "1.2.3")
                .setString(Tags.SeriesInstanceUID, "1.2.3.4").setString(Tags.PatientID, "P").build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomWriter.standard().write(new dev.deliberate.medical.dicom.DicomFile(DicomObject.empty(), ds,
                dev.deliberate.medical.dicom.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), out);
        return out.toByteArray();
    }

    @Test
    void bearerAndCustomHeadersAreSentAndNeverShown() {
        routes.put("/dicom-web/studies", ex -> send(ex, 200, "application/dicom+json", "[]"));
        DicomWebAuth bearer = DicomWebAuth.bearer("s3cr3t-token");
        assertFalse(bearer.toString().contains("s3cr3t"));
        try (DicomWebClient web = DicomWebClient.builder(root()).auth(bearer).build()) {
            assertEquals(List.of(), web.search(QidoQuery.studies().match("PatientName", "Doe^J*")
                    .match("StudyDate", "20240101-20241231").includeField("00081030").withLimit(5).withOffset(10)));
        }
        assertEquals("Bearer s3cr3t-token", lastHeaders.get("authorization"));
        assertEquals("/dicom-web/studies?PatientName=Doe%5EJ*&StudyDate=20240101-20241231&includefield=00081030"
                + "&limit=5&offset=10", lastHeaders.get(":path"));
        try (DicomWebClient web = DicomWebClient.builder(root()).auth(DicomWebAuth.header("X-Api-Key", "k-1"))
                .build()) {
            web.search(QidoQuery.studies());
        }
        assertEquals("k-1", lastHeaders.get("x-api-key"));
        assertThrows(IllegalArgumentException.class, () -> DicomWebAuth.header("Host", "x"));
        assertThrows(IllegalArgumentException.class, () -> DicomWebAuth.bearer("a\r\nX-Evil: 1"));
        assertThrows(IllegalArgumentException.class,
                () -> DicomWebClient.builder(URI.create("http://user:pw@127.0.0.1/dicom-web")));
    }

    @Test
    void statusCodesBecomeTypedErrorsWithTheServersMessage() {
        routes.put("/dicom-web/studies", ex -> {
            ex.getResponseHeaders().set("Warning", "299 server: too busy, try later");
            send(ex, 503, "text/plain", "");
        });
        routes.put("/dicom-web/series", ex -> send(ex, 400, "text/plain", "bad\nquery\u0007 key"));
        routes.put("/dicom-web/instances", ex -> send(ex, 500, "text/html", "<html>boom</html>"));
        routes.put("/dicom-web/studies/1.2.3/metadata", ex -> {
            ex.getResponseHeaders().set("Location", "https://elsewhere.example/dicom-web/studies/1.2.3/metadata?x=1");
            send(ex, 301, "text/plain", "");
        });
        try (DicomWebClient web = DicomWebClient.builder(root()).build()) {
            DicomWebUnavailableException busy = assertThrows(DicomWebUnavailableException.class,
                    () -> web.search(QidoQuery.studies().match("PatientName", "Secret^Name")));
            assertEquals("GET " + root() + "/studies: HTTP 503 Service Unavailable: 299 server: too busy, try later",
                    busy.getMessage());
            assertFalse(busy.getMessage().contains("Secret"), "the query (patient data) is not in messages");
            DicomWebStatusException bad = assertThrows(DicomWebStatusException.class,
                    () -> web.search(QidoQuery.series()));
            assertEquals("GET " + root() + "/series: HTTP 400 Bad Request: bad query key", bad.getMessage());
            DicomWebStatusException boom = assertThrows(DicomWebStatusException.class,
                    () -> web.search(QidoQuery.instances()));
            assertEquals("GET " + root() + "/instances: HTTP 500 Internal Server Error", boom.getMessage());
            DicomWebStatusException moved = assertThrows(DicomWebStatusException.class,
                    () -> web.metadata(WadoTarget.study("1.2.3")));
            assertEquals("GET " + root() + "/studies/1.2.3/metadata: HTTP 301 Moved Permanently: redirected to "
                    + "https://elsewhere.example/dicom-web/studies/1.2.3/metadata", moved.getMessage());
        }
    }

    @Test
    void malformedAnswersAreProtocolErrors() {
        routes.put("/dicom-web/studies", ex -> send(ex, 200, "application/dicom+json", "{\"not\":\"an array\"}"));
        routes.put("/dicom-web/series", ex -> send(ex, 200, "application/dicom+json",
                "[{\"00100010\":{\"vr\":\"XX\"}}]"));
        routes.put("/dicom-web/instances", ex -> send(ex, 200, "application/dicom+json", "[{\"00100010\": "));
        routes.put("/dicom-web/studies/1.2.3", ex -> send(ex, 200, "application/dicom", "DICM"));
        routes.put("/dicom-web/studies/1.2.4", ex -> send(ex, 200,
                "multipart/related; type=\"application/dicom\"; boundary=xyz", "--xyz\r\n\r\ntruncated"));
        try (DicomWebClient web = DicomWebClient.builder(root()).build()) {
            assertEquals("GET " + root() + "/studies: expected a JSON array of datasets",
                    assertThrows(DicomWebProtocolException.class, () -> web.search(QidoQuery.studies())).getMessage());
            assertTrue(assertThrows(DicomWebProtocolException.class, () -> web.search(QidoQuery.series()))
                    .getMessage().startsWith("GET " + root() + "/series: not a DICOM JSON dataset: missing or unknown vr"));
            assertTrue(assertThrows(DicomWebProtocolException.class, () -> web.search(QidoQuery.instances()))
                    .getMessage().startsWith("GET " + root() + "/instances: malformed JSON"));
            assertEquals("GET " + root() + "/studies/1.2.3: expected multipart/related, got 'application/dicom'",
                    assertThrows(DicomWebProtocolException.class, () -> web.retrieve(WadoTarget.study("1.2.3"),
                            tmp, TransferListener.NONE)).getMessage());
            MultipartException m = assertThrows(MultipartException.class,
                    () -> web.retrieve(WadoTarget.study("1.2.4"), tmp, TransferListener.NONE));
            assertTrue(m.getMessage().contains("truncated part"), m.getMessage());
        }
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count(), "nothing half-written");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void jsonLargerThanTheLimitIsRefusedWhileReading() {
        routes.put("/dicom-web/studies", ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/dicom+json");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write('[');
            byte[] item = "{\"00100020\":{\"vr\":\"LO\",\"Value\":[\"P\"]}},".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 100_000; i++) {
                out.write(item); // 4 MB, never closed
            }
        });
        try (DicomWebClient web = DicomWebClient.builder(root())
                .limits(DicomWebLimits.defaults().withMaxJsonBytes(64 * 1024)).build()) {
            assertEquals("GET " + root() + "/studies: JSON response larger than 65536 bytes",
                    assertThrows(DicomWebProtocolException.class, () -> web.search(QidoQuery.studies())).getMessage());
        }
        try (DicomWebClient web = DicomWebClient.builder(root()).limits(DicomWebLimits.defaults().withMaxResults(10))
                .build()) {
            assertEquals("GET " + root() + "/studies: more than 10 datasets in the response",
                    assertThrows(DicomWebProtocolException.class, () -> web.search(QidoQuery.studies())).getMessage());
        }
    }

    @Test
    void aServerThatStallsMidBodyTimesOut() {
        routes.put("/dicom-web/studies/1.2.3", ex -> {
            ex.getResponseHeaders().set("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=b");
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write("--b\r\nContent-Type: application/dicom\r\n\r\nDICM".getBytes());
            ex.getResponseBody().flush();
            try {
                release.await(30, TimeUnit.SECONDS); // stall until the test ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (DicomWebClient web = DicomWebClient.builder(root()).readTimeout(Duration.ofMillis(500)).build()) {
            DicomWebConnectionException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(DicomWebConnectionException.class,
                            () -> web.retrieve(WadoTarget.study("1.2.3"), part -> part.body().readAllBytes())));
            assertEquals("GET " + root() + "/studies/1.2.3: the server sent nothing for 500 ms", e.getMessage());
            assertFalse(Thread.currentThread().isInterrupted());
        }
    }

    @Test
    void retrieveNamesFilesBySopInstanceUidAndRejectsHostileNames() throws IOException {
        byte[] a = instance("1.2.3.4.5.1");
        byte[] evil = instance("../../etc/passwd");
        routes.put("/dicom-web/studies/1.2.3", ex -> {
            ex.getResponseHeaders().set("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=b");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write("--b\r\nContent-Type: application/dicom\r\n\r\n".getBytes());
            out.write(a);
            out.write("\r\n--b--\r\n".getBytes());
        });
        routes.put("/dicom-web/studies/1.2.4", ex -> {
            ex.getResponseHeaders().set("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=b");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write("--b\r\n\r\n".getBytes());
            out.write(evil);
            out.write("\r\n--b--".getBytes());
        });
        try (DicomWebClient web = DicomWebClient.builder(root()).build()) {
            List<Path> files = web.retrieve(WadoTarget.study("1.2.3"), tmp.resolve("out"), TransferListener.NONE);
            assertEquals(List.of(tmp.resolve("out/1.2.3.4.5.1.dcm")), files);
            assertTrue(java.util.Arrays.equals(a, Files.readAllBytes(files.get(0))));
            DicomWebProtocolException e = assertThrows(DicomWebProtocolException.class,
                    () -> web.retrieve(WadoTarget.study("1.2.4"), tmp.resolve("evil"), TransferListener.NONE));
            assertEquals("part 1 has no valid SOP Instance UID in its first 1048576 bytes: '../../etc/passwd'",
                    e.getMessage());
        }
        try (var s = Files.list(tmp.resolve("evil"))) {
            assertEquals(0, s.count());
        }
    }

    private static byte[] largeInstance(String sop, int pixelBytes) throws IOException {
        byte[] pixels = new byte[pixelBytes];
        new java.util.Random(7).nextBytes(pixels);
        DicomObject ds = DicomObject.builder().setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
                .setString(Tags.SOPInstanceUID, sop).setString(Tags.StudyInstanceUID, "1.2.3")
                .setString(Tags.SeriesInstanceUID, "1.2.3.4")
                // a large value right after the SOP Instance UID: the 1 MiB head ends inside it, far from the pixels
                .setBytes(0x00091010, dev.deliberate.medical.dicom.VR.OB, new byte[2 << 20])
                .setBytes(Tags.PixelData, dev.deliberate.medical.dicom.VR.OB, pixels).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomWriter.standard().write(new dev.deliberate.medical.dicom.DicomFile(DicomObject.empty(), ds,
                dev.deliberate.medical.dicom.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), out);
        return out.toByteArray();
    }

    @Test
    void instancesLargerThanTheHeadAreStreamedToTheirFiles() throws IOException {
        byte[] big1 = largeInstance("1.2.3.4.5.10", 5 << 20);
        byte[] big2 = largeInstance("1.2.3.4.5.11", 3 << 20);
        routes.put("/dicom-web/studies/1.2.3", ex -> {
            ex.getResponseHeaders().set("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=q");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (byte[] b : new byte[][] {big1, big2}) {
                out.write("--q\r\nContent-Type: application/dicom\r\n\r\n".getBytes());
                out.write(b);
                out.write("\r\n".getBytes());
            }
            out.write("--q--".getBytes());
        });
        List<long[]> progress = new java.util.ArrayList<>();
        try (DicomWebClient web = DicomWebClient.builder(root()).build()) {
            List<Path> files = web.retrieve(WadoTarget.study("1.2.3"), tmp, (n, b) -> progress.add(new long[] {n, b}));
            assertEquals(List.of(tmp.resolve("1.2.3.4.5.10.dcm"), tmp.resolve("1.2.3.4.5.11.dcm")), files);
            assertTrue(java.util.Arrays.equals(big1, Files.readAllBytes(files.get(0))));
            assertTrue(java.util.Arrays.equals(big2, Files.readAllBytes(files.get(1))));
        }
        assertEquals(2, progress.size());
        assertEquals(big1.length + big2.length, progress.get(1)[1]);
    }

    @Test
    void manyFilesAreStoredInBatchesOfValidMultipart() throws IOException {
        List<Integer> partsPerRequest = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        routes.put("/dicom-web/studies", ex -> {
            // the test server reads what the client sent with the SDK's own multipart and DICOM readers
            StringBuilder items = new StringBuilder();
            String ct = ex.getRequestHeaders().getFirst("Content-Type");
            int n = 0;
            try (MultipartReader r = new MultipartReader(new java.io.ByteArrayInputStream(lastBody.get()),
                    MultipartReader.boundaryOf(ct), DicomWebLimits.defaults())) {
                java.util.Optional<MultipartReader.Part> p;
                while ((p = r.next()).isPresent()) {
                    assertEquals(java.util.Optional.of("application/dicom"), p.get().contentType());
                    byte[] b = p.get().body().readAllBytes();
                    String sop = dev.deliberate.medical.dicom.DicomReader.standard().read(b).dataset()
                            .getString(Tags.SOPInstanceUID).orElseThrow();
                    items.append(n++ == 0 ? "" : ",").append("{\"00081150\":{\"vr\":\"UI\",\"Value\":[\"1.2.840.10008.5.1.4.1.1.7\"]},")
                            .append("\"00081155\":{\"vr\":\"UI\",\"Value\":[\"").append(sop).append("\"]}}");
                }
            }
            partsPerRequest.add(n);
            send(ex, 200, "application/dicom+json", "{\"00081199\":{\"vr\":\"SQ\",\"Value\":[" + items + "]}}");
        });
        List<Path> files = new java.util.ArrayList<>();
        for (int i = 0; i < 205; i++) {
            Path f = tmp.resolve("f" + i + ".dcm");
            Files.write(f, instance("1.2.3.4.6." + i));
            files.add(f);
        }
        List<Integer> progress = new java.util.ArrayList<>();
        StowResult r;
        try (DicomWebClient web = DicomWebClient.builder(root()).build()) {
            r = web.store(files, (n, b) -> progress.add(n));
        }
        assertEquals(List.of(100, 100, 5), partsPerRequest);
        assertEquals(List.of(100, 200, 205), progress);
        assertEquals(205, r.stored().size());
        assertEquals("1.2.3.4.6.204", r.stored().get(204).sopInstanceUid());
        assertTrue(r.allStored());
    }

    @Test
    void stowParsesFailuresAndWarningsInto_aTypedResult() throws IOException {
        byte[][] sent = new byte[1][];
        routes.put("/dicom-web/studies", ex -> {
            send(ex, 202, "application/dicom+json", "{\"00081190\":{\"vr\":\"UR\",\"Value\":[\"http://x/studies/1.2.3\"]},"
                    + "\"00081198\":{\"vr\":\"SQ\",\"Value\":[{\"00081150\":{\"vr\":\"UI\",\"Value\":[\"1.2.840.10008.5.1.4.1.1.7\"]},"
                    + "\"00081155\":{\"vr\":\"UI\",\"Value\":[\"1.2.3.4.5.2\"]},\"00081197\":{\"vr\":\"US\",\"Value\":[43264]}}]},"
                    + "\"00081199\":{\"vr\":\"SQ\",\"Value\":[{\"00081150\":{\"vr\":\"UI\",\"Value\":[\"1.2.840.10008.5.1.4.1.1.7\"]},"
                    + "\"00081155\":{\"vr\":\"UI\",\"Value\":[\"1.2.3.4.5.1\"]},\"00081196\":{\"vr\":\"US\",\"Value\":[45056]}}]}}");
        });
        Path one = tmp.resolve("one.dcm");
        Path two = tmp.resolve("two.dcm");
        Files.write(one, instance("1.2.3.4.5.1"));
        Files.write(two, instance("1.2.3.4.5.2"));
        try (DicomWebClient web = DicomWebClient.builder(root()).build()) {
            StowResult r = web.store(List.of(one, two));
            assertEquals(202, r.httpStatus());
            assertFalse(r.allStored());
            assertEquals(List.of(new StowResult.StoredInstance("1.2.840.10008.5.1.4.1.1.7", "1.2.3.4.5.1",
                    java.util.Optional.empty(), java.util.OptionalInt.of(0xB000))), r.stored());
            assertEquals(List.of(new StowResult.FailedInstance("1.2.840.10008.5.1.4.1.1.7", "1.2.3.4.5.2",
                    java.util.OptionalInt.of(0xA900))), r.failed());
            assertEquals("0xA900", r.failed().get(0).failureReasonHex());
            assertEquals(java.util.Optional.of("http://x/studies/1.2.3"), r.retrieveUrl());
            String ct = lastHeaders.get("content-type");
            assertTrue(ct.startsWith("multipart/related; type=\"application/dicom\"; boundary=deliberate-"), ct);
            assertThrows(java.nio.file.NoSuchFileException.class, () -> web.store(List.of(tmp.resolve("missing.dcm"))));
        }
        assertInstanceOf(DicomWebException.class, new DicomWebNotFoundException("GET", root(), ""));
    }
}

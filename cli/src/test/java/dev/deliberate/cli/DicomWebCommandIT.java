package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.testing.Peers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deliberate dicom web store|search|get} against a real Orthanc with its DICOMweb plugin (free loopback ports,
 * temporary storage, basic authentication), pydicom's test files read in place.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DicomWebCommandIT extends InProcessCli {
    static final Path PYDICOM = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    static final Path PLUGIN = Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");
    static final String CT_STUDY = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";
    static final String CT_SOP = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";

    @TempDir
    Path dir;

    private Process orthanc;
    private Path orthancDir;
    private int port;
    private final String password = "pw-" + Long.toHexString(System.nanoTime());
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    void startOrthanc() throws Exception {
        Peers.require(onPath("Orthanc"), "command Orthanc (apt-get install orthanc)");
        Peers.require(Files.isRegularFile(PLUGIN), "Orthanc DICOMweb plugin (apt-get install orthanc-dicomweb)");
        Peers.require(Files.isRegularFile(PYDICOM.resolve("CT_small.dcm")), "pydicom test files "
                + "(apt-get install python3-pydicom)");
        orthancDir = Files.createTempDirectory("orthanc-cli");
        port = freePort();
        Path db = orthancDir.resolve("db");
        String cfg = "{\"Name\":\"DELIBERATE-CLI-TEST\",\"StorageDirectory\":\"" + db + "\",\"IndexDirectory\":\"" + db
                + "\",\"DicomAet\":\"ORTHANC\",\"DicomPort\":" + freePort() + ",\"HttpPort\":" + port
                + ",\"RemoteAccessAllowed\":false,\"AuthenticationEnabled\":true,\"RegisteredUsers\":{\"cli\":\""
                + password + "\"},\"Plugins\":[\"" + PLUGIN + "\"],\"DicomWeb\":{\"Enable\":true,\"Root\":"
                + "\"/dicom-web/\",\"EnableWado\":true,\"WadoRoot\":\"/wado\"}}";
        Files.writeString(orthancDir.resolve("orthanc.json"), cfg);
        orthanc = new ProcessBuilder("Orthanc", orthancDir.resolve("orthanc.json").toString()).redirectErrorStream(true)
                .redirectOutput(orthancDir.resolve("orthanc.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (rest("/system").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!orthanc.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("Orthanc did not start: "
                        + Files.readString(orthancDir.resolve("orthanc.log")));
            }
            orthanc.waitFor(100, TimeUnit.MILLISECONDS);
        }
    }

    @AfterAll
    void stopOrthanc() throws Exception {
        if (orthanc != null) {
            orthanc.destroy();
            if (!orthanc.waitFor(20, TimeUnit.SECONDS)) {
                orthanc.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (orthancDir != null) {
            try (var s = Files.walk(orthancDir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private String url() {
        return "http://127.0.0.1:" + port + "/dicom-web";
    }

    private String basic() {
        return "cli:" + password;
    }

    private HttpResponse<byte[]> rest(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic()
                        .getBytes(StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private byte[] storedFile(String sop) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/tools/lookup")).header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic()
                        .getBytes(StandardCharsets.UTF_8))).POST(HttpRequest.BodyPublishers.ofString(sop)).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"ID\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
        assertTrue(m.find(), r.body());
        return rest("/instances/" + m.group(1) + "/file").body();
    }

    @Test
    void storeSearchGetRoundTrip() throws Exception {
        // a folder with two DICOM files and a note; a file named explicitly
        Path in = dir.resolve("in");
        Files.createDirectories(in.resolve("sub"));
        Files.copy(PYDICOM.resolve("MR_small.dcm"), in.resolve("sub/mr.dcm"));
        Files.copy(PYDICOM.resolve("rtplan.dcm"), in.resolve("plan"));
        Files.writeString(in.resolve("README.txt"), "not DICOM");
        assertEquals(0, run("dicom", "web", "store", in.toString(), PYDICOM.resolve("CT_small.dcm").toString(),
                "--url", url(), "--basic", basic()), err());
        assertEquals("stored 3 of 3 files (1 non-DICOM file skipped)\n", out());
        assertFalse(err().contains(password), err());

        assertEquals(0, run("dicom", "web", "search", "--url", url(), "--basic", basic(), "--match",
                "PatientID=1CT1"));
        assertEquals(CT_STUDY + "\t20040119\t1CT1\tCT\te+1\n", out());
        assertEquals("deliberate: 1 study\n", err());

        assertEquals(0, run("dicom", "web", "search", "--url", url(), "--basic", basic(), "--level", "INSTANCE",
                "--study", CT_STUDY, "--json"));
        JsonNode j = new ObjectMapper().readTree(out());
        assertEquals(1, j.size());
        assertEquals(CT_SOP, j.get(0).get("00080018").get("Value").get(0).asText());

        Path out = dir.resolve("got");
        assertEquals(0, run("dicom", "web", "get", "--url", url(), "--basic", basic(), "--study", CT_STUDY, "--out",
                out.toString()), err());
        assertTrue(out().matches("retrieved 1 instance \\(0\\.0 MB\\) into " + Pattern.quote(out.toString())
                + " in \\d+\\.\\d s\n"), out());
        assertArrayEquals(storedFile(CT_SOP), Files.readAllBytes(out.resolve(CT_SOP + ".dcm")));
        try (var s = Files.list(out)) {
            assertEquals(List.of(CT_SOP + ".dcm"), s.map(p -> p.getFileName().toString()).toList());
        }

        // every stored study can be fetched; file names are the SOP Instance UIDs
        assertEquals(0, run("dicom", "web", "search", "--url", url(), "--basic", basic()));
        TreeSet<String> studies = new TreeSet<>();
        for (String line : out().split("\n")) {
            studies.add(line.split("\t")[0]);
        }
        assertEquals(3, studies.size(), out());
    }

    @Test
    void errorsAreOneClearLine() {
        assertEquals(1, run("dicom", "web", "get", "--url", url(), "--basic", basic(), "--study", "1.2.3.4",
                "--out", dir.resolve("none").toString()));
        assertEquals("deliberate: GET " + url() + "/studies/1.2.3.4: HTTP 404 Not Found: Accessing an inexistent "
                + "study with WADO-RS: 1.2.3.4\n", err());

        assertEquals(1, run("dicom", "web", "search", "--url", url(), "--basic", "cli:wrong-" + password));
        assertEquals("deliberate: GET " + url() + "/studies: HTTP 401 Unauthorized\n", err());

        assertEquals(1, run("dicom", "web", "search", "--url", url() + "/nowhere", "--basic", basic()));
        assertTrue(err().startsWith("deliberate: GET " + url() + "/nowhere/studies: HTTP 404 Not Found"), err());
        assertFalse(err().contains(password), err());
    }
}

package dev.deliberate.medical.web;

import dev.deliberate.medical.testing.PeerSupport;
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
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Orthanc with its DICOMweb plugin for one test class: temporary storage, free loopback HTTP and DICOM ports,
 * HTTP basic authentication with a user made up per run. Stopped (by its own process handle) on close.
 */
final class OrthancDicomWeb implements AutoCloseable {
    static final Path PLUGIN = Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");
    static final String USER = "sdk";

    private final Process process;
    private final int httpPort;
    private final String password;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private OrthancDicomWeb(Process process, int httpPort, String password, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.password = password;
        this.log = log;
    }

    /** Starts Orthanc in {@code dir}; skips (or fails under CI) when Orthanc or its DICOMweb plugin is missing. */
    static OrthancDicomWeb start(Path dir) throws IOException, InterruptedException {
        PeerSupport.requireCommand("Orthanc");
        PeerSupport.require(Files.isRegularFile(PLUGIN), "Orthanc DICOMweb plugin " + PLUGIN
                + " (apt-get install orthanc-dicomweb)");
        int http = freePort();
        int dicom = freePort();
        Path db = dir.resolve("db");
        Files.createDirectories(db);
        String password = "pw-" + Long.toHexString(System.nanoTime());
        String cfg = "{\"Name\":\"DELIBERATE-DICOMWEB-TEST\",\"StorageDirectory\":\"" + db + "\",\"IndexDirectory\":\""
                + db + "\",\"DicomAet\":\"ORTHANC\",\"DicomPort\":" + dicom + ",\"HttpPort\":" + http
                + ",\"RemoteAccessAllowed\":false,\"AuthenticationEnabled\":true,"
                + "\"RegisteredUsers\":{\"" + USER + "\":\"" + password + "\"},"
                + "\"Plugins\":[\"" + PLUGIN + "\"],"
                + "\"DicomWeb\":{\"Enable\":true,\"Root\":\"/dicom-web/\",\"EnableWado\":true,\"WadoRoot\":\"/wado\"}}";
        Path config = dir.resolve("orthanc.json");
        Files.writeString(config, cfg);
        Path log = dir.resolve("orthanc.log");
        Process p = new ProcessBuilder("Orthanc", config.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        OrthancDicomWeb s = new OrthancDicomWeb(p, http, password, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (s.rest("/dicom-web/studies").statusCode() == 200) {
                    return s;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                s.close();
                throw new IllegalStateException("Orthanc did not start: " + Files.readString(log));
            }
            p.waitFor(100, TimeUnit.MILLISECONDS); // returns early only if Orthanc exits
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    URI dicomWebRoot() {
        return URI.create("http://127.0.0.1:" + httpPort + "/dicom-web/");
    }

    URI wadoUri() {
        return URI.create("http://127.0.0.1:" + httpPort + "/wado");
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    String password() {
        return password;
    }

    DicomWebAuth auth() {
        return DicomWebAuth.basic(USER, password);
    }

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A GET on Orthanc's own REST API (not through the SDK). */
    HttpResponse<String> rest(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base().resolve(path)).header("Authorization", basic()).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** The bytes Orthanc stores for an instance, from its REST API {@code /instances/{id}/file}. */
    byte[] storedFile(String sopInstanceUid) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base().resolve("/tools/lookup"))
                .header("Authorization", basic()).POST(HttpRequest.BodyPublishers.ofString(sopInstanceUid)).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"ID\"\\s*:\\s*\"([^\"]+)\"[^}]*\"Type\"\\s*:\\s*\"Instance\"").matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new IOException("instance " + sopInstanceUid + " not found in Orthanc: " + r.body());
        }
        HttpResponse<byte[]> f = http.send(HttpRequest.newBuilder(base().resolve("/instances/" + m.group(1)
                + "/file")).header("Authorization", basic()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (f.statusCode() != 200) {
            throw new IOException("GET /instances/" + m.group(1) + "/file: " + f.statusCode());
        }
        return f.body();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}

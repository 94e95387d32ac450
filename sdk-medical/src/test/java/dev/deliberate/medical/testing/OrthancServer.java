package dev.deliberate.medical.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Orthanc started for one test class on free loopback ports in a temporary folder (see PEERS.md), stopped on
 * close. Ready when {@code GET /system} answers.
 */
public final class OrthancServer implements AutoCloseable {
    private final Process process;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OrthancServer(Process process, int httpPort) {
        this.process = process;
        this.httpPort = httpPort;
    }

    /** Starts Orthanc in {@code dir}; skips (or fails under CI) when Orthanc is not installed. */
    public static OrthancServer start(Path dir) throws IOException, InterruptedException {
        PeerSupport.requireCommand("Orthanc");
        int http = freePort();
        int dicom = freePort();
        Path db = dir.resolve("db");
        Files.createDirectories(db);
        String cfg = "{\"Name\":\"DELIBERATE-TEST\",\"StorageDirectory\":\"" + db + "\",\"IndexDirectory\":\"" + db
                + "\",\"DicomAet\":\"ORTHANC\",\"DicomPort\":" + dicom + ",\"HttpPort\":" + http
                + ",\"RemoteAccessAllowed\":false,\"AuthenticationEnabled\":false,\"Plugins\":[]}";
        Path config = dir.resolve("orthanc.json");
        Files.writeString(config, cfg);
        Process p = new ProcessBuilder("Orthanc", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("orthanc.log").toFile()).start();
        OrthancServer s = new OrthancServer(p, http);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (s.get("/system").statusCode() == 200) {
                    return s;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                s.close();
                throw new IllegalStateException("Orthanc did not start: " + Files.readString(
                        dir.resolve("orthanc.log")));
            }
            p.waitFor(100, TimeUnit.MILLISECONDS); // returns early only if Orthanc exits
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A GET on the REST API. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Uploads a DICOM file; returns the Orthanc instance id. */
    public String upload(Path file) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/instances"))
                .POST(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("upload failed: " + r.statusCode() + " " + r.body());
        }
        var m = java.util.regex.Pattern.compile("\"ID\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
        if (!m.find()) {
            throw new IOException("no ID in " + r.body());
        }
        return m.group(1);
    }

    /** {@code POST /instances/{id}/anonymize} with a JSON body; returns the anonymized file's bytes. */
    public byte[] anonymize(String id, String jsonBody) throws IOException, InterruptedException {
        try {
            return anonymizeOnce(id, jsonBody);
        } catch (IOException e) {
            // a pooled keep-alive connection that Orthanc closed: one retry on a fresh request is safe (no side effect
            // but a new anonymized copy inside the throwaway Orthanc)
            return anonymizeOnce(id, jsonBody);
        }
    }

    private byte[] anonymizeOnce(String id, String jsonBody) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri("/instances/" + id + "/anonymize"))
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("anonymize failed: " + r.statusCode() + " "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
        return r.body();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    /** Stops Orthanc (by its own process handle) and waits for it. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}

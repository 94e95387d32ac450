package dev.deliberate.medical.net;

import dev.deliberate.medical.testing.PeerSupport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Orthanc for the DIMSE tests: temporary config and storage, free loopback ports, the SDK's AE titles listed in
 * DicomModalities (Orthanc answers C-FIND/C-MOVE only for known AEs), stopped by its own process handle.
 */
final class OrthancDimse implements AutoCloseable {
    final int dicomPort;
    final int httpPort;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OrthancDimse(Process process, int dicomPort, int httpPort) {
        this.process = process;
        this.dicomPort = dicomPort;
        this.httpPort = httpPort;
    }

    /** Starts Orthanc; {@code scuAe} may query and retrieve, {@code scpAe} at {@code scpPort} is a move destination. */
    static OrthancDimse start(Path dir, String scuAe, String scpAe, int scpPort) throws Exception {
        PeerSupport.requireCommand("Orthanc");
        int dicom = DcmtkDimseIT.freePort();
        int web = DcmtkDimseIT.freePort();
        Path db = Files.createDirectories(dir.resolve("db"));
        String cfg = "{\"Name\":\"DELIBERATE-DIMSE\",\"StorageDirectory\":\"" + db + "\",\"IndexDirectory\":\"" + db
                + "\",\"DicomAet\":\"ORTHANC\",\"DicomPort\":" + dicom + ",\"HttpPort\":" + web
                + ",\"RemoteAccessAllowed\":false,\"AuthenticationEnabled\":false,\"DicomCheckCalledAet\":true,"
                + "\"DicomModalities\":{\"scu\":[\"" + scuAe + "\",\"127.0.0.1\"," + scpPort + "],"
                + "\"sdk\":[\"" + scpAe + "\",\"127.0.0.1\"," + scpPort + "]},\"Plugins\":[]}";
        Path config = dir.resolve("orthanc.json");
        Files.writeString(config, cfg);
        Process p = new ProcessBuilder("Orthanc", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("orthanc.log").toFile()).start();
        OrthancDimse o = new OrthancDimse(p, dicom, web);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (o.get("/system").statusCode() == 200) {
                    return o;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                o.close();
                throw new IllegalStateException("Orthanc did not start: " + Files.readString(dir.resolve("orthanc.log")));
            }
            p.waitFor(100, TimeUnit.MILLISECONDS); // returns early only if Orthanc exits
        }
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    byte[] getBytes(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
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

package dev.deliberate.cli.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.testing.Peers;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.net.AeTitle;
import dev.deliberate.medical.net.StorageListener;
import dev.deliberate.medical.net.StorageScp;
import dev.deliberate.medical.net.StorageScpOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dicom send|find|move} against a real Orthanc, moving back into the SDK's own SCP. */
class DimseFindMoveCommandIT {
    private static final Path CT = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm");
    private static final String STUDY = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";

    @TempDir
    Path tmp;

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new DicomCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void sendFindAsJsonAndMoveBackIntoOurOwnScp() throws Exception {
        Peers.require(onPath("Orthanc"), "Orthanc (apt-get install orthanc)");
        Peers.require(Files.isRegularFile(CT), "pydicom test files (apt-get install python3-pydicom)");
        try (StorageScp scp = StorageScp.start(StorageScpOptions.defaults(AeTitle.of("CLISCP"), tmp.resolve("in")),
                StorageListener.none())) {
            int dicom = freePort();
            int http = freePort();
            Path db = Files.createDirectories(tmp.resolve("db"));
            Path cfg = tmp.resolve("orthanc.json");
            Files.writeString(cfg, "{\"Name\":\"CLI-DIMSE\",\"StorageDirectory\":\"" + db + "\",\"IndexDirectory\":\""
                    + db + "\",\"DicomAet\":\"ORTHANC\",\"DicomPort\":" + dicom + ",\"HttpPort\":" + http
                    + ",\"RemoteAccessAllowed\":false,\"AuthenticationEnabled\":false,\"Plugins\":[],"
                    + "\"DicomModalities\":{\"cli\":[\"CLISCU\",\"127.0.0.1\",1],"
                    + "\"sdk\":[\"CLISCP\",\"127.0.0.1\"," + scp.port() + "]}}");
            Process orthanc = new ProcessBuilder("Orthanc", cfg.toString()).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("orthanc.log").toFile()).start();
            try {
                awaitOrthanc(orthanc, http);
                String port = String.valueOf(dicom);
                String[] send = run("send", "--aet", "CLISCU", "--called", "ORTHANC", "--port", port, CT.toString());
                assertEquals("0", send[0], send[2]);

                String[] find = run("find", "--aet", "CLISCU", "--called", "ORTHANC", "--port", port, "--level",
                        "STUDY", "--match", "PatientID=1CT1", "--json");
                assertEquals("0", find[0], find[2]);
                JsonNode matches = new ObjectMapper().readTree(find[1]);
                assertEquals(1, matches.size(), find[1]);
                assertEquals(STUDY, matches.get(0).get("0020000D").get("Value").get(0).asText());
                assertTrue(find[2].contains("1 matches, status 0000 SUCCESS"), find[2]);

                String[] series = run("find", "--aet", "CLISCU", "--called", "ORTHANC", "--port", port, "--level",
                        "SERIES", "--match", "StudyInstanceUID=" + STUDY);
                assertEquals("0", series[0], series[2]);
                assertTrue(series[1].contains("Modality=CT"), series[1]);

                String[] move = run("move", "--aet", "CLISCU", "--called", "ORTHANC", "--port", port, "--dest",
                        "CLISCP", "--study", STUDY);
                assertEquals("0", move[0], move[2]);
                assertTrue(move[1].contains("0000 SUCCESS, 1 completed, 0 failed"), move[1]);
                assertTrue(Files.isRegularFile(tmp.resolve("in").resolve(STUDY)
                        .resolve("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322.dcm")));

                String[] unknown = run("move", "--aet", "CLISCU", "--called", "ORTHANC", "--port", port, "--dest",
                        "NOBODY", "--study", STUDY);
                assertEquals("1", unknown[0], unknown[1]);
                assertTrue(unknown[1].contains("FAILURE"), unknown[1]);

                String[] get = run("get", "--aet", "CLISCU", "--called", "ORTHANC", "--port", port, "--study", STUDY,
                        "--dir", tmp.resolve("got").toString());
                assertEquals("0", get[0], get[1] + get[2]);
                assertTrue(get[1].contains("0000 SUCCESS, 1 completed, 0 failed, 0 warnings; 1 stored"), get[1]);
                Path got = tmp.resolve("got").resolve(STUDY)
                        .resolve("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322.dcm");
                assertTrue(Files.isRegularFile(got));
                assertEquals(DicomReader.standard().read(CT).dataset().getString(Tags.PatientName),
                        DicomReader.standard().read(got).dataset().getString(Tags.PatientName));
            } finally {
                orthanc.destroy();
                if (!orthanc.waitFor(20, TimeUnit.SECONDS)) {
                    orthanc.destroyForcibly();
                }
            }
        }
    }

    private static void awaitOrthanc(Process p, int http) throws Exception {
        HttpClient c = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/system")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "Orthanc did not start");
            p.waitFor(100, TimeUnit.MILLISECONDS); // returns early only if Orthanc exits
        }
    }
}

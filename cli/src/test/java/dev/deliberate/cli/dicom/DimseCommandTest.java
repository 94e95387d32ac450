package dev.deliberate.cli.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.VR;
import dev.deliberate.medical.net.AeTitle;
import dev.deliberate.medical.net.Association;
import dev.deliberate.medical.net.AssociationOptions;
import dev.deliberate.medical.net.AssociationRequest;
import dev.deliberate.medical.net.DicomNetworkException;
import dev.deliberate.medical.net.PresentationContexts;
import dev.deliberate.medical.net.StorageListener;
import dev.deliberate.medical.net.StorageScp;
import dev.deliberate.medical.net.StorageScpOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dicom listen|echo|send} in process, against the SDK's own SCP and SCU. */
class DimseCommandTest {
    @TempDir
    Path tmp;

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new DicomCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((e, c, p) -> {
            c.getErr().println("deliberate: " + e.getMessage()); // as Main's handler prints it
            return 1;
        });
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    private void writeImages(Path dir, int n) throws Exception {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            DicomWriter.standard().write(DicomObject.builder()
                    .setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
                    .setString(Tags.SOPInstanceUID, "2.25.4242." + i)
                    .setString(Tags.StudyInstanceUID, "2.25.4242")
                    .setString(Tags.SeriesInstanceUID, "2.25.4242.0")
                    .setString(Tags.Modality, "OT")
                    .setBytes(Tags.PixelData, VR.OW, new byte[256])
                    .build(), dir.resolve("i" + i + ".dcm"));
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void echoAndSendReachTheScpAndFailuresAreOneClearLine() throws Exception {
        Path in = tmp.resolve("in");
        writeImages(in, 3);
        Files.writeString(in.resolve("notes.txt"), "not DICOM");
        try (StorageScp scp = StorageScp.start(StorageScpOptions.defaults(AeTitle.of("CLISCP"), tmp.resolve("out")),
                StorageListener.none())) {
            String port = String.valueOf(scp.port());
            String[] echo = run("echo", "--called", "CLISCP", "--port", port);
            assertEquals("0", echo[0], echo[2]);
            assertTrue(echo[1].startsWith("C-ECHO CLISCP@127.0.0.1:" + port + ": 0000 SUCCESS"), echo[1]);

            String[] wrong = run("echo", "--called", "NOTHERE", "--port", port);
            assertEquals("1", wrong[0]);
            assertEquals("deliberate: association rejected by NOTHERE at 127.0.0.1:" + port
                    + ": called AE title not recognized (permanent)", wrong[2].strip());

            String[] send = run("send", "--aet", "CLITEST", "--called", "CLISCP", "--port", port, in.toString());
            assertEquals("1", send[0], "one file was not DICOM");
            assertTrue(send[1].startsWith("sent 3 of 4 files"), send[1]);
            assertTrue(send[2].contains("failed: " + in.resolve("notes.txt") + ": not DICOM"), send[2]);
            assertTrue(send[2].contains("sent 4/4 files"), send[2]);
            try (Stream<Path> s = Files.list(tmp.resolve("out/2.25.4242"))) {
                assertEquals(3, s.count());
            }
        }
        int closed = freePort();
        String[] refused = run("echo", "--called", "CLISCP", "--port", String.valueOf(closed));
        assertEquals("1", refused[0]);
        assertTrue(refused[2].strip().startsWith("deliberate: connection refused by 127.0.0.1:" + closed),
                refused[2]);
        assertEquals(1, refused[2].strip().lines().count(), refused[2]);
    }

    @Test
    void listenStoresWhatArrivesAndStopsAfterTheCompletedStudy() throws Exception {
        Path in = tmp.resolve("in");
        writeImages(in, 2);
        int port = freePort();
        String[][] result = new String[1][];
        Thread t = new Thread(() -> result[0] = run("listen", "--aet", "LISTENER", "--port", String.valueOf(port),
                "--dir", tmp.resolve("inbox").toString(), "--study-complete-after", "0.3", "--studies", "1"));
        t.start();
        List<Path> files;
        try (Stream<Path> s = Files.list(in)) {
            files = s.sorted().toList();
        }
        AssociationRequest rq = AssociationRequest.of(AeTitle.of("SENDER"), AeTitle.of("LISTENER"),
                PresentationContexts.forFiles(files));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Association a = null;
        while (a == null) {
            try {
                a = Association.open("127.0.0.1", port, rq, AssociationOptions.defaults());
            } catch (DicomNetworkException e) {
                assertTrue(System.nanoTime() < deadline, "listen did not start: " + e.getMessage());
                t.join(50); // the command is still binding its port
            }
        }
        try (Association open = a) {
            for (Path f : files) {
                assertTrue(open.store(f).status().ok());
            }
        }
        t.join(TimeUnit.SECONDS.toMillis(20));
        assertTrue(!t.isAlive(), "listen stopped after the study");
        assertEquals("0", result[0][0], result[0][2]);
        assertTrue(result[0][1].contains("study complete 2.25.4242: 2 instances"), result[0][1]);
        assertTrue(Files.isRegularFile(tmp.resolve("inbox/2.25.4242/2.25.4242.1.dcm")));
    }
}

package dev.deliberate.cli.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.testing.Peers;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.TransferSyntax;
import dev.deliberate.medical.dicom.VR;
import dev.deliberate.medical.net.AeTitle;
import dev.deliberate.medical.net.StorageListener;
import dev.deliberate.medical.net.StorageScp;
import dev.deliberate.medical.net.StorageScpOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code dicom listen --deid} and {@code --tls} on listen, echo and send, with DCMTK's storescu and echoscu as the
 * other peer and pydicom reading what was stored.
 */
class ListenDeidTlsCommandIT {
    private static final String STUDY = "1.2.826.0.1.3680043.9.7741.9";
    private static final String NAME = "Quixley^Marguerite";
    private static final String MRN = "MRN88231477";

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

    private static String[] exec(long seconds, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return new String[] {Integer.toString(p.exitValue()), new String(out, StandardCharsets.UTF_8)};
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits until something accepts connections on the port (the listen command binds in its own thread). */
    private static void awaitListening(int port, Thread listener) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                assertTrue(listener.isAlive() && System.nanoTime() < deadline, "listen did not start");
                listener.join(50);
            }
        }
    }

    private List<Path> writeStudy(Path dir, int from, int to) throws Exception {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            Path f = dir.resolve("Quixley_" + i + ".dcm");
            DicomWriter.standard().write(new DicomFile(DicomObject.empty(), DicomObject.builder()
                    .setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
                    .setString(Tags.SOPInstanceUID, STUDY + "." + i)
                    .setString(Tags.StudyInstanceUID, STUDY)
                    .setString(Tags.SeriesInstanceUID, STUDY + ".1")
                    .setString(Tags.PatientName, NAME)
                    .setString(Tags.PatientID, MRN)
                    .setString(Tags.Modality, "OT")
                    .setString(Tags.BurnedInAnnotation, "NO")
                    .setBytes(Tags.PixelData, VR.OW, new byte[64])
                    .build(), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), f);
            out.add(f);
        }
        return out;
    }

    /** Runs {@code dicom listen ARGS --studies 1} in a thread until the one study is complete. */
    private Thread listen(String[][] result, int port, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("listen", "--aet", "NODE", "--port", String.valueOf(port),
                "--study-complete-after", "0.5", "--studies", "1"));
        a.addAll(List.of(args));
        Thread t = new Thread(() -> result[0] = run(a.toArray(new String[0])));
        t.start();
        awaitListening(port, t);
        return t;
    }

    @Test
    void listenDeidStoresOneStudyUnderOneSetOfUidsAcrossAssociationsAndRuns() throws Exception {
        Peers.require(onPath("storescu"), "DCMTK (apt-get install dcmtk)");
        Peers.require(Files.isExecutable(Path.of("/usr/bin/python3")), "python3-pydicom");
        List<Path> src = writeStudy(tmp.resolve("src/" + MRN), 1, 4);
        Path inbox = tmp.resolve("inbox");
        Path key = tmp.resolve("site.key");
        String[][] r1 = new String[1][];
        int port = freePort();
        Thread t = listen(r1, port, "--dir", inbox.toString(), "--deid", "--key-file", key.toString());
        String[] dcmtk = exec(60, "storescu", "-aet", "MODALITY", "-aec", "NODE", "127.0.0.1", String.valueOf(port),
                src.get(0).toString(), src.get(1).toString());
        assertEquals("0", dcmtk[0], dcmtk[1]);
        String[] send = run("send", "--quiet", "--called", "NODE", "--port", String.valueOf(port),
                src.get(2).toString());
        assertEquals("0", send[0], send[2]);
        t.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(t.isAlive(), "listen stopped after the study");
        assertEquals("0", r1[0][0], r1[0][2]);
        assertTrue(r1[0][2].contains("created site key file"), r1[0][2]);
        assertTrue(r1[0][1].contains("(de-identified on receipt)"), r1[0][1]);
        assertTrue(r1[0][1].contains(": 3 instances"), r1[0][1]);
        assertFalse(r1[0][1].contains(STUDY) || r1[0][1].contains("Quixley"), "output names no identifier: "
                + r1[0][1]);

        // a second run with the same key file: the last instance joins the same study folder
        String[][] r2 = new String[1][];
        port = freePort();
        t = listen(r2, port, "--dir", inbox.toString(), "--deid", "--key-file", key.toString());
        dcmtk = exec(60, "storescu", "-aet", "MODALITY", "-aec", "NODE", "127.0.0.1", String.valueOf(port),
                src.get(3).toString());
        assertEquals("0", dcmtk[0], dcmtk[1]);
        t.join(TimeUnit.SECONDS.toMillis(30));
        assertEquals("0", r2[0][0], r2[0][2]);

        List<Path> stored = new ArrayList<>();
        int reports = 0;
        try (Stream<Path> s = Files.walk(inbox)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                String rel = inbox.relativize(f).toString();
                if (rel.startsWith(StorageScp.DEID_REPORTS + "/")) {
                    reports++;
                    assertFalse(Files.readString(f).contains(MRN));
                } else {
                    assertTrue(rel.matches("[A-Z2-7]{8}/[A-Z2-7]{8}/[A-Z2-7]{8}"), rel);
                    stored.add(f);
                }
            }
        }
        assertEquals(4, stored.size(), stored.toString());
        assertEquals(2, reports, "one report per study and run");
        List<String> py = new ArrayList<>(List.of("/usr/bin/python3", "-c", "import sys, pydicom\n"
                + "for f in sys.argv[1:]:\n"
                + "    d = pydicom.dcmread(f)\n"
                + "    print(d.StudyInstanceUID, d.PatientID or '-', str(d.PatientName) or '-', d.SOPInstanceUID"
                + " == d.file_meta.MediaStorageSOPInstanceUID)"));
        stored.forEach(f -> py.add(f.toString()));
        String[] p = exec(60, py.toArray(new String[0]));
        assertEquals("0", p[0], p[1]);
        Set<String> studies = new HashSet<>();
        for (String line : p[1].strip().split("\n")) {
            String[] w = line.split(" ");
            studies.add(w[0]);
            assertFalse(line.contains(MRN) || line.contains("Quixley"), line);
            assertEquals("True", w[3], line);
        }
        assertEquals(1, studies.size(), "one replacement Study UID: " + studies);
        assertFalse(studies.contains(STUDY));
    }

    @Test
    void tlsEchoAndSendWorkAndAPlaintextPeerIsRefusedCleanly() throws Exception {
        Peers.require(onPath("openssl"), "openssl");
        for (String who : List.of("scp", "scu")) {
            String[] r = exec(60, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    tmp.resolve(who + ".key").toString(), "-out", tmp.resolve(who + ".crt").toString(), "-days", "2",
                    "-subj", "/CN=" + who);
            assertEquals("0", r[0], r[1]);
            r = exec(60, "openssl", "pkcs12", "-export", "-inkey", tmp.resolve(who + ".key").toString(), "-in",
                    tmp.resolve(who + ".crt").toString(), "-out", tmp.resolve(who + ".p12").toString(), "-passout",
                    "pass:changeit", "-name", who);
            assertEquals("0", r[0], r[1]);
        }
        List<Path> src = writeStudy(tmp.resolve("src"), 1, 2);
        String scuKey = tmp.resolve("scu.p12").toString();
        String scpKey = tmp.resolve("scp.p12").toString();
        String[][] result = new String[1][];
        int port = freePort();
        String p = String.valueOf(port);
        Thread t = listen(result, port, "--dir", tmp.resolve("inbox").toString(), "--tls", "--key-store", scpKey,
                "--key-store-password", "changeit", "--trust-cert", tmp.resolve("scu.crt").toString(),
                "--require-client-cert");
        String[] echo = run("echo", "--called", "NODE", "--port", p, "--tls", "--key-store", scuKey,
                "--key-store-password", "changeit", "--trust-cert", tmp.resolve("scp.crt").toString());
        assertEquals("0", echo[0], echo[2]);
        assertTrue(echo[1].startsWith("C-ECHO NODE@127.0.0.1:" + p + " (TLS): 0000 SUCCESS"), echo[1]);

        // a plaintext caller gets one clear line, promptly, and the listener keeps serving
        long start = System.nanoTime();
        String[] plain = run("echo", "--called", "NODE", "--port", p, "--timeout", "10");
        assertEquals("1", plain[0], plain[1]);
        assertEquals(1, plain[2].strip().lines().count(), plain[2]);
        assertTrue(plain[2].startsWith("deliberate: "), plain[2]);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(9), "refused before the timeout");
        // a TLS caller without a client certificate is refused by the handshake
        String[] anonymous = run("echo", "--called", "NODE", "--port", p, "--timeout", "10", "--tls",
                "--trust-cert", tmp.resolve("scp.crt").toString());
        assertEquals("1", anonymous[0], anonymous[1]);
        // (with TLS 1.3 the server's verdict on the client certificate arrives after the client's handshake: as an
        // alert, a reset or a broken pipe on the first PDU; the SDK says which session it was either way)
        assertEquals(1, anonymous[2].strip().lines().count(), anonymous[2]);
        assertTrue(anonymous[2].startsWith("deliberate: TLS handshake with 127.0.0.1:" + p + " failed")
                || anonymous[2].startsWith("deliberate: TLS session with 127.0.0.1:" + p + " ended before the "
                        + "association was accepted"), anonymous[2]);

        if (onPath("echoscu")) { // DCMTK (Debian's is built with OpenSSL)
            String[] dcmtk = exec(60, "echoscu", "-aet", "DCMTK", "-aec", "NODE", "+tls",
                    tmp.resolve("scu.key").toString(), tmp.resolve("scu.crt").toString(), "+cf",
                    tmp.resolve("scp.crt").toString(), "127.0.0.1", p);
            assertEquals("0", dcmtk[0], dcmtk[1]);
        }
        String[] send = run("send", "--quiet", "--called", "NODE", "--port", p, "--tls", "--key-store", scuKey,
                "--key-store-password", "changeit", "--trust-cert", tmp.resolve("scp.crt").toString(),
                tmp.resolve("src").toString());
        assertEquals("0", send[0], send[2]);
        assertTrue(send[1].startsWith("sent 2 of 2 files"), send[1]);
        assertTrue(send[1].contains("(TLS)"), send[1]);
        t.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(t.isAlive());
        assertEquals("0", result[0][0], result[0][2]);
        assertTrue(Files.isRegularFile(tmp.resolve("inbox/" + STUDY + "/" + STUDY + ".1.dcm")));

        // TLS into a plaintext SCP: the handshake fails with one clear line
        try (StorageScp plainScp = StorageScp.start(StorageScpOptions.defaults(AeTitle.of("PLAIN"),
                tmp.resolve("plain")), StorageListener.none())) {
            String[] r = run("echo", "--called", "PLAIN", "--port", String.valueOf(plainScp.port()), "--timeout", "10",
                    "--tls", "--trust-cert", tmp.resolve("scp.crt").toString());
            assertEquals("1", r[0], r[1]);
            assertEquals(1, r[2].strip().lines().count(), r[2]);
            assertTrue(r[2].startsWith("deliberate: TLS handshake with 127.0.0.1:" + plainScp.port() + " failed"),
                    r[2]);
        }
        // and a TLS option without --tls is a usage error
        String[] usage = run("echo", "--called", "NODE", "--port", p, "--key-store", scuKey);
        assertEquals("1", usage[0]);
        assertTrue(usage[2].contains("need --tls"), usage[2]);
    }
}

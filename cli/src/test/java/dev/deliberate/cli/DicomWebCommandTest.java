package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deliberate dicom web ...} errors that need no server, through {@link Main#execute}. */
class DicomWebCommandTest extends InProcessCli {
    @TempDir
    Path dir;

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void unreachableServerIsOneClearLine() throws IOException {
        int port = closedPort();
        String url = "http://127.0.0.1:" + port + "/dicom-web";
        assertEquals(1, run("dicom", "web", "search", "--url", url, "--match", "PatientName=Doe^Jane",
                "--bearer", "tok-very-secret"));
        assertEquals("deliberate: GET " + url + "/studies: cannot connect to 127.0.0.1:" + port
                + " (connection refused)\n", err());
        assertEquals("", out());

        Path out = dir.resolve("out");
        assertEquals(1, run("dicom", "web", "get", "--url", url, "--study", "1.2.3", "--out", out.toString()));
        assertEquals("deliberate: GET " + url + "/studies/1.2.3: cannot connect to 127.0.0.1:" + port
                + " (connection refused)\n", err());
        try (var s = Files.list(out)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void storeOfAFolderWithoutDicomSaysSo() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "not DICOM");
        assertEquals(1, run("dicom", "web", "store", dir.toString(), "--url", "http://127.0.0.1:1/dicom-web"));
        assertEquals("deliberate: no DICOM Part 10 files found in " + dir + "\n", err());
        assertEquals(1, run("dicom", "web", "store", dir.resolve("missing.dcm").toString(), "--url",
                "http://127.0.0.1:1/dicom-web"));
        assertTrue(err().startsWith("deliberate: " + dir.resolve("missing.dcm")), err());
    }

    @Test
    void badOptionsAreRejectedWithoutShowingCredentials() {
        assertEquals(2, run("dicom", "web", "search", "--url", "http://127.0.0.1:1/x", "--bearer", "tok-secret-1",
                "--basic", "u:pw-secret-2"));
        assertTrue(err().startsWith("give only one of --bearer, --basic and --header\n"), err());
        assertFalse(err().contains("secret"), err());

        assertEquals(2, run("dicom", "web", "search", "--url", "http://u:pw-secret@127.0.0.1:1/x"));
        assertTrue(err().startsWith("--url: service root must not contain credentials; give them as auth\n"), err());
        assertFalse(err().contains("pw-secret"), err());

        assertEquals(2, run("dicom", "web", "search", "--url", "ftp://127.0.0.1/x"));
        assertTrue(err().startsWith("--url: service root must be an http or https URL with a host: "), err());

        assertEquals(2, run("dicom", "web", "search", "--url", "http://127.0.0.1:1/x", "--match", "NoSuchKey=1"));
        assertTrue(err().startsWith("unknown attribute 'NoSuchKey' in 'NoSuchKey': use a DICOM keyword "), err());

        assertEquals(2, run("dicom", "web", "get", "--url", "http://127.0.0.1:1/x", "--study", "../etc",
                "--out", "x"));
        assertTrue(err().startsWith("not a valid study UID: '../etc'\n"), err());

        assertEquals(2, run("dicom", "web", "search", "--url", "http://127.0.0.1:1/x", "--header", "Host: evil"));
        assertTrue(err().startsWith("header Host is set by the client and cannot carry credentials\n"), err());
    }

    @Test
    void theGroupListsItsCommands() {
        assertEquals(0, run("dicom", "web"));
        assertTrue(out().contains("store") && out().contains("search") && out().contains("get"), out());
        assertEquals(0, run("dicom", "web", "search", "--help"));
        assertTrue(out().contains("--bearer=TOKEN"), out());
    }
}

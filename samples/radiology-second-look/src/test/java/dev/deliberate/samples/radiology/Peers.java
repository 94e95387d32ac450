package dev.deliberate.samples.radiology;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real peers for the sample's IT: the pydicom corpus, dciodvfy, pydicom. Skips on laptops, fails when CI=true. */
final class Peers {
    static final Path TEST_FILES = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    static final Path CT_SMALL = TEST_FILES.resolve("CT_small.dcm");
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path DCIODVFY = Path.of("/usr/bin/dciodvfy");

    private Peers() {}

    /** Aborts the test when the peer is missing, unless CI=true, where a missing peer is a failure. */
    static void require(boolean present, String what) {
        dev.deliberate.core.testing.Peers.require(present,
                what + " (install: apt-get install python3-pydicom dicom3tools)");
    }

    /**
     * Output of a finished process.
     *
     * @param exit   exit code
     * @param output stdout and stderr together
     */
    record Run(int exit, String output) {}

    static Run run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + command);
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static boolean executable(Path p) {
        return Files.isExecutable(p);
    }
}

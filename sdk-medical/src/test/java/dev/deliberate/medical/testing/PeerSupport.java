package dev.deliberate.medical.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test support for interop tests against real peers (pydicom, DCMTK, dicom3tools, Orthanc): a missing peer skips the
 * test on a laptop and fails it when {@code CI=true}.
 */
public final class PeerSupport {
    /** Where python3-pydicom keeps its test files. */
    public static final Path PYDICOM_FILES = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    /** The Python that has pydicom (another python3 earlier on PATH may lack it). */
    public static final String PYTHON = "/usr/bin/python3";

    private PeerSupport() {}

    /** Skips (or fails under CI) unless {@code available}. */
    public static void require(boolean available, String what) {
        dev.deliberate.core.testing.Peers.require(available, what);
    }

    /** A pydicom test file, requiring it to exist. */
    public static Path pydicomFile(String name) {
        Path p = PYDICOM_FILES.resolve(name);
        require(Files.isRegularFile(p), "pydicom test file " + p + " (apt-get install python3-pydicom)");
        return p;
    }

    /** Requires an executable on PATH or at an absolute path. */
    public static void requireCommand(String command) {
        boolean found;
        if (command.startsWith("/")) {
            found = Files.isExecutable(Path.of(command));
        } else {
            found = false;
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                    found = true;
                    break;
                }
            }
        }
        require(found, "command " + command);
    }

    /** Requires /usr/bin/python3 with pydicom importable. */
    public static void requirePydicom() {
        requireCommand(PYTHON);
        Result r = run(List.of(PYTHON, "-c", "import pydicom, numpy"), 60);
        require(r.exitCode() == 0, "pydicom for " + PYTHON + ": " + r.stderr());
    }

    /** What a process printed and returned. */
    public record Result(int exitCode, String stdout, String stderr) {}

    /** Runs a command to completion (bounded by {@code timeoutSeconds}), capturing output through temp files. */
    public static Result run(List<String> command, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("peer", ".out");
            Path err = Files.createTempFile("peer", ".err");
            try {
                Process p = new ProcessBuilder(new ArrayList<>(command)).redirectOutput(out.toFile())
                        .redirectError(err.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail("timed out after " + timeoutSeconds + " s: " + command);
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

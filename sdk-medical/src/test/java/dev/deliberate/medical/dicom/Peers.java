package dev.deliberate.medical.dicom;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Locates real peers (pydicom, DCMTK, dicom3tools, the pydicom test files); skips on laptops, fails on CI. */
final class Peers {
    static final Path PYDICOM_DATA = Path.of("/usr/lib/python3/dist-packages/pydicom/data");
    static final Path TEST_FILES = PYDICOM_DATA.resolve("test_files");
    static final Path CHARSET_FILES = PYDICOM_DATA.resolve("charset_files");
    static final Path PYTHON = Path.of("/usr/bin/python3");

    private Peers() {}

    /** Aborts the test when the peer is missing, unless CI=true, where a missing peer is a failure. */
    static void require(boolean present, String what) {
        dev.deliberate.core.testing.Peers.require(present,
                what + " (install: apt-get install dcmtk dicom3tools python3-pydicom)");
    }

    static void requirePydicomFiles() {
        require(Files.isDirectory(TEST_FILES) && Files.isDirectory(CHARSET_FILES), "pydicom test files in "
                + PYDICOM_DATA);
    }

    static void requireTool(String name) {
        require(Files.isExecutable(Path.of("/usr/bin", name)), name);
    }

    static void requirePydicom() {
        requirePydicomFiles();
        require(Files.isExecutable(PYTHON), "/usr/bin/python3 with pydicom");
    }

    /** Every file under the pydicom data folders that starts like DICOM (a DICM prefix or a plausible dataset). */
    static List<Path> corpus() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path dir : List.of(TEST_FILES, CHARSET_FILES, PYDICOM_DATA.resolve("palettes"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(Files::isRegularFile).filter(Peers::looksLikeDicom).sorted().forEach(out::add);
            }
        }
        return out;
    }

    static boolean looksLikeDicom(Path p) {
        String n = p.getFileName().toString();
        if (n.endsWith(".py") || n.endsWith(".pyc") || n.endsWith(".txt") || n.endsWith(".json") || n.endsWith(".md")
                || n.endsWith(".gz") || n.endsWith(".dump") || n.startsWith("README")) {
            return false;
        }
        return true;
    }

    /** Runs a command, returning its exit code, stdout and stderr. */
    static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        byte[][] io = new byte[2][];
        Thread err = new Thread(() -> {
            try {
                io[1] = p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                io[1] = new byte[0];
            }
        });
        err.start();
        io[0] = p.getInputStream().readAllBytes();
        int code = p.waitFor();
        err.join();
        return new Result(code, new String(io[0], java.nio.charset.StandardCharsets.UTF_8),
                new String(io[1], java.nio.charset.StandardCharsets.UTF_8));
    }

    record Result(int code, String out, String err) {}
}

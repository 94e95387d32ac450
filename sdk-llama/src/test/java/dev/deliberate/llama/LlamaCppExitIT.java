package dev.deliberate.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.llama.TestModels;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binding leaves a non-daemon native thread attached after close; a JVM whose main returns must still end by
 * itself. Checked in a forked JVM, which is also the only place to see that nothing reaches standard output.
 */
class LlamaCppExitIT {

    @TempDir
    Path dir;

    private Process fork(String... extra) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", ExitAfterCloseMain.class.getName(),
                TestModels.tiny().toString()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .start();
    }

    @Test
    void jvmExitsByItselfAfterMainReturnsWithStatusZeroAndCleanStdout() throws Exception {
        Process p = fork();
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
        String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
        assertTrue(ended, "the JVM did not exit within 60 s after main returned; stderr: " + err);
        assertEquals(0, p.exitValue(), err);
        assertTrue(out.strip().matches("RESULT \\w+ \\d+"), "stdout holds only the program's own line: " + out);
        assertTrue(new File(dir.toFile(), "hs_err_pid" + p.pid() + ".log").exists() == false);
    }

    @Test
    void mainThatThrowsStillExitsWithStatusOne() throws Exception {
        Process p = fork("fail");
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
        assertTrue(ended, "the JVM did not exit within 60 s; stderr: " + err);
        assertEquals(1, p.exitValue(), err);
        assertTrue(err.contains("main fails on purpose"), err);
    }
}

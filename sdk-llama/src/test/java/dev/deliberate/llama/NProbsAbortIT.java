package dev.deliberate.llama;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why {@link LlamaTextGenerator#withoutNProbs} exists: {@code setNProbs} kills the JVM with the bundled natives
 * (b4916 through de.kherud:llama 4.2.0). Checked in a forked JVM. Should a new binding fix it, this test fails, and
 * the guard and the note in sdk-llama/README.md can go.
 */
class NProbsAbortIT {

    @TempDir
    Path dir;

    @Test
    void askingForTokenProbabilitiesKillsTheJvm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-XX:-CreateCoredumpOnCrash", "-cp",
                System.getProperty("java.class.path"), NProbsAbortMain.class.getName(),
                TestModels.tiny().toString()))
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .start();
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
        String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
        assertTrue(ended, "the forked JVM neither died nor ended within 60 s; stderr: " + err);
        assertFalse(out.contains("RESULT"), "the JVM survived n_probs: the guard may go; stdout: " + out);
        assertNotEquals(0, p.exitValue(), err);
        System.out.println("n_probs: forked JVM ended with status " + p.exitValue() + "; stderr tail: "
                + err.substring(Math.max(0, err.length() - 300)).strip());
    }
}

package dev.deliberate.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.kherud.llama.InferenceParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code InferenceParameters.setNProbs} aborts the JVM with the bundled natives (see
 * {@link LlamaTextGenerator#withoutNProbs}): the SDK never sends it, and its one generation call refuses it.
 */
class NProbsGuardTest {

    @Test
    void parametersWithNProbsAreRefusedBeforeTheyReachNativeCode() {
        InferenceParameters p = new InferenceParameters("hi").setNPredict(4).setNProbs(3);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LlamaTextGenerator.withoutNProbs(p));
        assertTrue(e.getMessage().contains("n_probs"), e.getMessage());
    }

    @Test
    void ordinaryParametersPassEvenWhenThePromptMentionsTheKey() {
        InferenceParameters p = new InferenceParameters("say \"n_probs\": 3 and stop").setNPredict(4)
                .setCachePrompt(true).setTemperature(0f);
        assertSame(p, LlamaTextGenerator.withoutNProbs(p));
    }

    /** No main source of any module calls the binding's {@code setNProbs}. */
    @Test
    void noMainSourceInTheRepositoryCallsSetNProbs() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent(); // surefire runs in the module's folder
        assertTrue(Files.isRegularFile(root.resolve("pom.xml")), "repository root not found from " + root);
        List<Path> offenders;
        List<Path> scanned;
        try (Stream<Path> files = Files.walk(root)) {
            scanned = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> f.toString().contains("/src/main/java/"))
                    .filter(f -> !f.toString().contains("/target/"))
                    .toList();
        }
        offenders = scanned.stream().filter(f -> read(f).contains("setNProbs(")).toList();
        assertTrue(scanned.size() > 100, "too few sources scanned: " + scanned.size());
        assertEquals(List.of(), offenders, "setNProbs aborts the JVM with llama.cpp b4916");
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

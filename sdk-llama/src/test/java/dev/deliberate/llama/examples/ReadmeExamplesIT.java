package dev.deliberate.llama.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.llama.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README examples run as written, on the tiny generated model. */
class ReadmeExamplesIT {

    private static String runMain(Runnable main) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void triageExampleAnswersWithASchemaTrueUrgency() {
        String out = runMain(() -> TriageExample.main(new String[] {TestModels.tiny().toString()}));
        assertTrue(out.matches("(?s).*\nurgency: (routine|urgent|critical) \\(.*"), out);
    }

    @Test
    void primeQuestionPrintsASchemaTrueAnswer() {
        String out = runMain(() -> PrimeQuestion.main(new String[] {TestModels.tiny().toString()}));
        assertTrue(out.contains("{\"prime\":"), out);
    }

    @Test
    void llamaQuickStartPrintsTheModelAndAnAnswer() {
        String out = runMain(() -> LlamaQuickStart.main(new String[] {TestModels.tiny().toString()}));
        assertTrue(out.contains("llama.cpp") && out.contains("\n---\n"), out);
    }
}

package dev.deliberate.adapt.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example runs, and the README shows it word for word. */
class AdaptQuickStartTest {

    @Test
    void theExampleTakesAStep(@TempDir Path dir) throws Exception {
        Path gguf = dir.resolve("tiny.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 42).writeGguf(gguf);
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            AdaptQuickStart.main(new String[] {gguf.toString()});
        } finally {
            System.setOut(out);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertTrue(printed.matches("loss \\d+\\.\\d{4} over 5 tokens\\R"), printed);
    }

    @Test
    void theReadmeShowsTheExample() throws Exception {
        String example = Files.readString(Path.of("src/test/java/dev/deliberate/adapt/examples/AdaptQuickStart.java"));
        String body = example.substring(example.indexOf("import ai.djl"));
        assertTrue(Files.readString(Path.of("README.md")).contains(body), "README.md must show AdaptQuickStart");
    }
}

package dev.deliberate.gguf.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sdk-gguf/README.md shows this compiled example word for word, and it runs as written. */
class GgufQuickStartTest {

    @TempDir
    Path dir;

    @Test
    void readmeShowsTheCompiledExample() throws IOException {
        String code = Files.readString(Path.of("src/test/java/dev/deliberate/gguf/examples/GgufQuickStart.java"));
        String snippet = "```java\n" + code.substring(code.indexOf("import ")) + "```";
        assertTrue(Files.readString(Path.of("README.md")).contains(snippet), "README.md must contain:\n" + snippet);
    }

    @Test
    void exampleRunsAsWritten() throws IOException {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            GgufQuickStart.main(new String[] {dir.resolve("tiny.gguf").toString()});
        } finally {
            System.setOut(old);
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("qwen2, "), out.toString(StandardCharsets.UTF_8));
    }
}

package dev.deliberate.llama.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The Java examples in the READMEs are these compiled test sources, word for word (everything from the first
 * {@code import}): edit the source, then copy it into the README; this test fails when the two drift apart.
 */
class ReadmeSnippetsTest {

    /** The code of an example as the README shows it. */
    static String snippet(Class<?> example) throws IOException {
        Path src = Path.of("src/test/java", example.getName().replace('.', '/') + ".java");
        String code = Files.readString(src);
        return "```java\n" + code.substring(code.indexOf("import ")) + "```";
    }

    static void assertContains(Path readme, String snippet) throws IOException {
        String text = Files.readString(readme);
        assertTrue(text.contains(snippet), readme + " must contain, verbatim:\n" + snippet);
    }

    @Test
    void rootReadmeShowsTheCompiledTriageExample() throws IOException {
        assertContains(Path.of("../README.md"), snippet(TriageExample.class));
    }

    @Test
    void coreReadmeShowsTheCompiledPrimeQuestion() throws IOException {
        assertContains(Path.of("../sdk-core/README.md"), snippet(PrimeQuestion.class));
        assertContains(Path.of("../docs/reasoning.md"), snippet(PrimeQuestion.class));
    }

    @Test
    void moduleReadmeShowsTheCompiledQuickStart() throws IOException {
        assertContains(Path.of("README.md"), snippet(LlamaQuickStart.class));
    }
}

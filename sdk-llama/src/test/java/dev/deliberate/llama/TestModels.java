package dev.deliberate.llama;

import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The generated test models, in ONE place: every test that needs a real model file gets it here.
 *
 * <p>Made with the project's Java generator ({@link TestModelGenerator}, preset TINY, fixed seed) into
 * {@code target/test-models/}, once per build. (Before the generator was merged, this class ran the Python
 * reference; nothing else in the tests depended on how the file was made.)
 */
public final class TestModels {

    /** Seed of the tiny model used by every test. */
    public static final long TINY_SEED = 42;

    private static Path tiny;

    private TestModels() {}

    /**
     * A tiny random-weight Qwen2 model with the DeepSeek-R1 chat template (hidden 64, 2 layers, vocabulary 512,
     * about 0.6 MB): real llama.cpp inference in milliseconds; its words are random.
     */
    public static synchronized Path tiny() {
        if (tiny == null) {
            Path file = Path.of("target", "test-models", "tiny-" + TINY_SEED + ".gguf").toAbsolutePath();
            if (!Files.isRegularFile(file)) {
                try {
                    Files.createDirectories(file.getParent());
                    Path tmp = Files.createTempFile(file.getParent(), "tiny", ".gguf.part");
                    TestModelGenerator.of(TestModelPreset.TINY, TINY_SEED).writeGguf(tmp);
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the tiny test model " + file, e);
                }
            }
            tiny = file;
        }
        return tiny;
    }
}

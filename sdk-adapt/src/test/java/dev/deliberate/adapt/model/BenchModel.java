package dev.deliberate.adapt.model;

import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The generated BENCH model (Q8_0, 262 MB), written once per build into {@code target/test-models/}. */
final class BenchModel {

    static final long SEED = 42;

    private BenchModel() {}

    static synchronized Path path() {
        Path file = Path.of("target", "test-models", "bench-" + SEED + ".gguf").toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            try {
                Files.createDirectories(file.getParent());
                Path tmp = Files.createTempFile(file.getParent(), "bench", ".gguf.part");
                TestModelGenerator.of(TestModelPreset.BENCH, SEED).writeGguf(tmp);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the bench test model " + file, e);
            }
        }
        return file;
    }
}

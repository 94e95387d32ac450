package dev.deliberate.samples.radiology;

import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tiny random-weight test model (0.6 MB, made in milliseconds): lets the sample run end to end on any machine.
 * Its words are random; it shows the plumbing, not medicine.
 */
final class TinyTestModel {
    /** The file name; the same as {@code deliberate demo} uses, so the two share the cached file. */
    static final String FILE_NAME = "deliberate-tiny-" + TestModelGenerator.DEFAULT_SEED + ".gguf";

    private TinyTestModel() {}

    /** The model in {@code dir}, made there first (atomically) when missing. */
    static Path ensure(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (Files.isRegularFile(file)) {
            return file;
        }
        Files.createDirectories(dir);
        TestModelGenerator.of(TestModelPreset.TINY, TestModelGenerator.DEFAULT_SEED).writeGguf(file); // atomic
        return file;
    }

    /** Whether this file is the tiny test model (by name: the generator writes its preset name into the file). */
    static boolean isTiny(String modelId) {
        return modelId.equals(TestModelPreset.TINY.spec().name());
    }
}

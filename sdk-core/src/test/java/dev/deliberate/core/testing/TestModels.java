package dev.deliberate.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The generated test models, in ONE place.
 *
 * <p><b>Integrator:</b> once {@code dev.deliberate.core.testmodel.TestModelGenerator} (branch {@code gguf}) is merged,
 * replace the body of {@link #generate} with the Java generator (preset TINY, same seed) and drop the Python
 * fallback; nothing else in the tests needs to change. Until then the verified Python reference
 * ({@code /work/shared/reference/gen_test_model.py}, or {@code DELIBERATE_GEN_TEST_MODEL}) writes the file; when it
 * is not available the tests skip (and fail on CI).
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
            Path dir = Path.of("target", "test-models");
            Path file = dir.resolve("tiny-" + TINY_SEED + ".gguf");
            if (!Files.isRegularFile(file)) {
                generate(file);
            }
            tiny = file.toAbsolutePath();
        }
        return tiny;
    }

    private static void generate(Path file) {
        Path script = Path.of(System.getenv().getOrDefault("DELIBERATE_GEN_TEST_MODEL",
                "/work/shared/reference/gen_test_model.py"));
        if (!Files.isRegularFile(script)) {
            Peers.missing("test model generator " + script);
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "tiny", ".gguf.part");
            Process p = new ProcessBuilder(List.of("python3", script.toString(), "--gguf", tmp.toString(), "--seed",
                    Long.toString(TINY_SEED)))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                Files.deleteIfExists(tmp);
                Peers.missing("python3 with numpy to run " + script + ": " + out);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Peers.missing("python3 to run " + script + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

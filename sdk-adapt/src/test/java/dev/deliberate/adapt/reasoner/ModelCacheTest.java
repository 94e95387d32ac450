package dev.deliberate.adapt.reasoner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCacheTest {

    @TempDir
    Path dir;

    @Test
    void concurrentCallersMakeTheFileOnceAndAllGetIt() throws Exception {
        ModelCache cache = new ModelCache(dir.resolve("models"));
        AtomicInteger made = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return cache.get("m.gguf", f -> {
                        made.incrementAndGet();
                        Files.write(f, new byte[] {1, 2, 3});
                    });
                }));
            }
            start.countDown();
            for (Future<Path> r : results) {
                assertEquals(dir.resolve("models/m.gguf").toAbsolutePath(), r.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, made.get());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dir.resolve("models/m.gguf")));
    }

    @Test
    void aFailedMakerLeavesNothingAndTheNextCallMakesItAgain() throws Exception {
        ModelCache cache = new ModelCache(dir);
        assertThrows(IOException.class, () -> cache.get("m.gguf", f -> {
            Files.write(f, new byte[] {9});
            throw new IOException("disk full");
        }));
        assertFalse(Files.exists(dir.resolve("m.gguf")));
        assertFalse(Files.exists(dir.resolve("m.gguf.part")));
        Files.write(dir.resolve("m.gguf.part"), new byte[] {7}); // as a killed maker leaves it
        cache.get("m.gguf", f -> Files.write(f, new byte[] {4}, java.nio.file.StandardOpenOption.CREATE_NEW));
        assertArrayEquals(new byte[] {4}, Files.readAllBytes(dir.resolve("m.gguf")));
    }

    @Test
    void keysThatAreNotPlainFileNamesAreRefused() {
        ModelCache cache = new ModelCache(dir);
        assertThrows(IllegalArgumentException.class, () -> cache.get("../m.gguf", f -> { }));
        assertThrows(IllegalArgumentException.class, () -> cache.get("a/b", f -> { }));
    }

    @Test
    void theRecipesKeyChangesWithWhatTheModelIsMadeFrom() {
        ReasonerRecipe r = ReasonerRecipe.REASONER;
        assertEquals(r.cacheKey(), r.cacheKey());
        ReasonerRecipe other = new ReasonerRecipe(r.spec(), r.initSeed(), r.task(), r.dataSeed() + 1,
                r.trainExamples(), r.heldOut(), r.steps(), r.batch(), r.learningRate());
        assertFalse(r.cacheKey().equals(other.cacheKey()));
        assertFalse(r.cacheKey().contains("/"));
    }
}

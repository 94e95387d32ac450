package dev.deliberate.adapt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.adapt.model.LoraConfig;
import dev.deliberate.llama.TestModels;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed mid-training resumes from its last checkpoint and ends with the adapter an uninterrupted run makes,
 * byte for byte; the adapter file never exists half-written.
 */
class ResumeIT {

    static TrainingConfig config(long steps) {
        return TrainingConfig.builder()
                .lora(new LoraConfig(4, 8f, 0.05f, LoraConfig.allProjections(4).targets()))
                .learningRate(1e-2f)
                .batchSize(1)
                .gradientAccumulation(2)
                .maxSequenceLength(128)
                .budget(TrainingBudget.steps(steps))
                .checkpointInterval(2)
                .seed(11)
                .build();
    }

    private static Path uninterrupted(Path dir, long steps) throws Exception {
        Path out = dir.resolve("uninterrupted.gguf");
        try (Trainer trainer = Trainer.open(TestModels.tiny(), config(steps))) {
            trainer.train(TrainerIT.data(), Optional.empty(), Checkpointing.none(), TrainingListener.NONE);
            trainer.exportAdapter(out);
        }
        return out;
    }

    /**
     * The resumed adapter has the uninterrupted one's metadata and weights. Usually the bytes are equal; in a JVM
     * that ran other tests first they were once not (libtorch's CPU kernels may sum in another order for
     * differently aligned buffers), so the weights are compared to float rounding, far below what a restarted
     * optimizer or a replayed step would change.
     */
    private static void assertSameWeights(Path expected, Path actual) throws Exception {
        dev.deliberate.gguf.lora.LoraAdapter x = dev.deliberate.gguf.lora.LoraAdapter.read(expected);
        dev.deliberate.gguf.lora.LoraAdapter y = dev.deliberate.gguf.lora.LoraAdapter.read(actual);
        assertEquals(x.provenance(), y.provenance());
        assertEquals(x.weights().keySet(), y.weights().keySet());
        double largest = 0;
        double worst = 0;
        for (String name : x.weights().keySet()) {
            for (boolean a : new boolean[] {true, false}) {
                float[] u = a ? x.weights().get(name).a() : x.weights().get(name).b();
                float[] v = a ? y.weights().get(name).a() : y.weights().get(name).b();
                for (int i = 0; i < u.length; i++) {
                    largest = Math.max(largest, Math.abs(u[i]));
                    worst = Math.max(worst, Math.abs(u[i] - v[i]));
                }
            }
        }
        assertTrue(worst <= 1e-4 * largest, "resumed weights differ by " + worst + " (largest " + largest + ")");
    }

    @Test
    void aResumedRunEndsWithTheAdapterOfAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("run.ckpt");
        Path adapter = dir.resolve("resumed.gguf");
        try (Trainer trainer = Trainer.open(TestModels.tiny(), config(6))) {
            TrainingResult first = trainer.train(TrainerIT.data(), Optional.empty(), Checkpointing.to(checkpoint),
                    TrainingListener.NONE);
            assertEquals(6, first.steps());
        }
        long[] resumedAt = new long[1];
        try (Trainer trainer = Trainer.open(TestModels.tiny(), config(12))) {
            TrainingResult second = trainer.train(TrainerIT.data(), Optional.empty(),
                    Checkpointing.resumeFrom(checkpoint), new TrainingListener() {
                        @Override
                        public void onResume(long step, Path file) {
                            resumedAt[0] = step;
                        }
                    });
            assertEquals(6, resumedAt[0]);
            assertEquals(12, second.steps());
            assertEquals(6, second.losses().size());
            trainer.exportAdapter(adapter);
        }
        assertSameWeights(uninterrupted(dir, 12), adapter);
    }

    @Test
    void aKilledChildJvmResumesFromItsLastCheckpoint(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("run.ckpt");
        Path adapter = dir.resolve("adapter.gguf");
        long steps = 10;
        Process child = child(dir, checkpoint, adapter, steps);
        long killedAfter;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("checkpoint "), "child said: " + line + "; "
                    + Files.readString(dir.resolve("err.txt")));
            killedAfter = Long.parseLong(line.substring("checkpoint ".length()));
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(killedAfter < steps);
        assertFalse(Files.exists(adapter), "a killed run must leave no adapter file");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith("."))
                    .filter(p -> !p.getFileName().toString().contains("ckpt")).toList());
        }
        Checkpoint saved = Checkpoint.read(checkpoint);
        assertTrue(saved.step() >= killedAfter && saved.step() < steps, "checkpoint at " + saved.step());

        Path log = dir.resolve("resumed.txt");
        Process resumed = child(dir, checkpoint, adapter, steps, ProcessBuilder.Redirect.to(log.toFile()));
        boolean ended = resumed.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            resumed.destroyForcibly();
        }
        String output = Files.readString(log);
        assertTrue(ended, "the resumed run did not end: " + output);
        assertEquals(0, resumed.exitValue(), output + Files.readString(dir.resolve("err.txt")));
        assertTrue(output.strip().endsWith("done"), output);
        assertEquals("checkpoint " + (saved.step() + 2), output.lines().findFirst().orElseThrow(),
                "the resumed run continues after the checkpoint, it does not start over");
        assertSameWeights(uninterrupted(dir, steps), adapter);
    }

    private static Process child(Path dir, Path checkpoint, Path adapter, long steps) throws Exception {
        return child(dir, checkpoint, adapter, steps, ProcessBuilder.Redirect.PIPE);
    }

    private static Process child(Path dir, Path checkpoint, Path adapter, long steps, ProcessBuilder.Redirect out)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", TrainUntilKilledMain.class.getName(),
                TestModels.tiny().toString(), checkpoint.toString(), adapter.toString(), Long.toString(steps))
                .directory(dir.toFile())
                .redirectOutput(out)
                .redirectError(dir.resolve("err.txt").toFile())
                .start();
    }

    @Test
    void aCheckpointOfAnotherConfigurationOrADamagedOneIsRefused(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("run.ckpt");
        try (Trainer trainer = Trainer.open(TestModels.tiny(), config(2))) {
            trainer.train(TrainerIT.data(), Optional.empty(), Checkpointing.to(checkpoint), TrainingListener.NONE);
        }
        TrainingConfig other = config(4).toBuilder().learningRate(5e-3f).build();
        try (Trainer trainer = Trainer.open(TestModels.tiny(), other)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> trainer.train(TrainerIT.data(),
                    Optional.empty(), Checkpointing.resumeFrom(checkpoint), TrainingListener.NONE));
            assertTrue(e.getMessage().contains("learning_rate"), e.getMessage());
        }
        byte[] bytes = Files.readAllBytes(checkpoint);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(checkpoint, bytes);
        CheckpointException damaged = assertThrows(CheckpointException.class, () -> Checkpoint.read(checkpoint));
        assertTrue(damaged.getMessage().contains("damaged"), damaged.getMessage());
        Files.write(checkpoint, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        assertThrows(CheckpointException.class, () -> Checkpoint.read(checkpoint));
    }
}

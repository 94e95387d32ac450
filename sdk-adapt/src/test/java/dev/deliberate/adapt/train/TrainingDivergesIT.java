package dev.deliberate.adapt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.adapt.model.LoraConfig;
import dev.deliberate.llama.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run whose loss turns non-finite stops at that step with a typed error, and writes nothing after it. */
class TrainingDivergesIT {

    @Test
    void anAbsurdLearningRateStopsAtTheFirstNonFiniteLossAndKeepsTheLastCheckpoint(@TempDir Path dir)
            throws Exception {
        // Adam moves every weight by about the learning rate whatever the gradient: at 1e30 without clipping,
        // step 1 puts LoRA factors near 1e30, so step 2's forward pass overflows
        TrainingConfig config = TrainerIT.config(50).toBuilder().learningRate(1e30f).maxGradNorm(0)
                .checkpointInterval(1).build();
        Path checkpoint = dir.resolve("run.ckpt");
        Path adapter = dir.resolve("adapter.gguf");
        List<TrainingProgress> seen = new ArrayList<>();
        List<Long> checkpoints = new ArrayList<>();
        try (Trainer trainer = Trainer.open(TestModels.tiny(), config)) {
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> trainer.train(TrainerIT.data(), Optional.empty(), Checkpointing.to(checkpoint),
                            new TrainingListener() {
                                @Override
                                public void onStep(TrainingProgress p) {
                                    seen.add(p);
                                }

                                @Override
                                public void onCheckpoint(long step, Path file) {
                                    checkpoints.add(step);
                                }
                            }));
            System.out.println(e.getMessage());
            assertTrue(e.step() >= 2 && e.step() < 50, "diverged at step " + e.step());
            assertTrue(!Double.isFinite(e.loss()) || !Double.isFinite(e.gradientNorm()), e.getMessage());
            assertEquals(1e30f, e.learningRate());
            assertEquals(!Double.isFinite(e.gradientNorm()), !e.nonFiniteGradients().isEmpty(), e.getMessage());
            e.nonFiniteGradients().forEach(name -> assertTrue(name.contains("lora"), name));
            assertTrue(e.getMessage().contains("step " + e.step()), e.getMessage());
            assertTrue(e.getMessage().contains("loss " + e.loss()), e.getMessage());
            assertTrue(e.getMessage().contains("Lower the learning rate"), e.getMessage());
            // every step before it was reported and checkpointed, the diverged one was not
            assertEquals(e.step() - 1, seen.size());
            seen.forEach(p -> assertTrue(Double.isFinite(p.loss()), p.toString()));
            assertEquals(e.step() - 1, checkpoints.size());
            byte[] written = Files.readAllBytes(checkpoint);
            Checkpoint last = Checkpoint.read(checkpoint);
            assertEquals(e.step() - 1, last.step());
            assertArrayEquals(written, Files.readAllBytes(checkpoint));
            try (var files = Files.list(dir)) {
                assertEquals(List.of(checkpoint), files.toList(), "no temporary or partial files left");
            }
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> trainer.exportAdapter(adapter));
            assertTrue(refused.getMessage().contains("diverged"), refused.getMessage());
            assertFalse(Files.exists(adapter));
        }
    }

    @Test
    void theSameDataAtASaneLearningRateTrainsThrough() {
        TrainingConfig config = TrainerIT.config(5).toBuilder().lora(LoraConfig.attention(4)).build();
        try (Trainer trainer = Trainer.open(TestModels.tiny(), config)) {
            TrainingResult r = trainer.train(TrainerIT.data(), Optional.empty(), Checkpointing.none(),
                    TrainingListener.NONE);
            assertEquals(5, r.steps());
            r.losses().forEach(l -> assertTrue(Double.isFinite(l), r.losses().toString()));
        }
    }

    @Test
    void aCosineScheduleIsPartOfWhatACheckpointMustMatch() {
        try (Trainer t = Trainer.open(TestModels.tiny(), TrainerIT.config(110).toBuilder()
                .schedule(LearningRateSchedule.COSINE).build())) {
            assertEquals("cosine over 110 steps", t.fingerprint().get("learning_rate_schedule"));
        }
        try (Trainer t = Trainer.open(TestModels.tiny(), TrainerIT.config(110))) {
            assertFalse(t.fingerprint().containsKey("learning_rate_schedule"));
        }
    }
}

package dev.deliberate.adapt.reasoner;

import dev.deliberate.adapt.model.LoraConfig;
import dev.deliberate.adapt.train.Checkpointing;
import dev.deliberate.adapt.train.LearningRateSchedule;
import dev.deliberate.adapt.train.Trainer;
import dev.deliberate.adapt.train.TrainingBudget;
import dev.deliberate.adapt.train.TrainingConfig;
import dev.deliberate.gguf.lora.LoraProvenance;
import java.util.Optional;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a LoRA adapter of a trained test model is made from: the base model's recipe, the task it adapts to
 * and the seed of its data, the rank and the training settings. The adapter is trained with the base weights frozen
 * by the product's trainer ({@code dev.deliberate.adapt.train.Trainer}, LoRA mode, cosine schedule) and written in
 * llama.cpp's GGUF LoRA format, with the base file's SHA-256 in
 * its provenance.
 *
 * @param base          the recipe of the base model
 * @param task          what the adapter teaches
 * @param dataSeed      seed of the {@link TaskDataset}
 * @param trainExamples training examples
 * @param heldOut       held-out examples
 * @param rank          LoRA rank (alpha is twice the rank; every projection of every block is adapted)
 * @param steps         optimizer steps
 * @param batch         sequences per step
 * @param learningRate  peak AdamW learning rate (linear warm-up over 5 % of the steps, cosine down to a tenth)
 */
public record AdapterRecipe(ReasonerRecipe base, QuantityTask task, long dataSeed, int trainExamples, int heldOut,
        int rank, int steps, int batch, float learningRate) {

    /** The reasoner adapted to {@link QuantityTask#LARGEST}: rank 8 on all projections. */
    public static final AdapterRecipe LARGEST = new AdapterRecipe(ReasonerRecipe.REASONER, QuantityTask.LARGEST, 77,
            6_000, 120, 8, 300, 16, 5e-3f);

    private static final Logger LOG = LoggerFactory.getLogger(AdapterRecipe.class);

    /** Validates. */
    public AdapterRecipe {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(task, "task");
        if (trainExamples < 1 || heldOut < 1 || rank < 1 || steps < 1 || batch < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("at least one training and one held-out example, rank >= 1");
        }
    }

    /** @return the training and held-out examples of the adapter's task */
    public TaskDataset dataset() {
        return TaskDataset.generate(task, dataSeed, trainExamples, heldOut);
    }

    /** @return the cache file name: a hash of this recipe, the base's key, the data and the trainer version */
    public String cacheKey() {
        return base.spec().name() + "-lora-" + task.id() + "-"
                + ReasonerRecipe.hash(ReasonerRecipe.TRAINER_VERSION + "\n" + base.cacheKey() + "\n" + this, dataset())
                + ".gguf";
    }

    /**
     * Trains the adapter on {@code baseGguf} (the model {@link #base()} makes) and writes it to {@code out}, in
     * llama.cpp's GGUF LoRA format with the base's SHA-256 and the training settings as provenance.
     *
     * @param baseGguf the base model file
     * @param out      the adapter file to create or replace; its directory must exist
     * @throws IOException if reading or writing fails
     */
    public void train(Path baseGguf, Path out) throws IOException {
        long started = System.nanoTime();
        TrainingConfig config = TrainingConfig.builder().lora(LoraConfig.allProjections(rank))
                .learningRate(learningRate).warmupSteps(Math.max(1, steps / 20))
                .schedule(LearningRateSchedule.COSINE).batchSize(batch)
                .maxSequenceLength(ReasonerRecipe.MAX_SEQUENCE).budget(TrainingBudget.steps(steps)).seed(dataSeed)
                .build();
        try (Trainer trainer = Trainer.open(baseGguf, config)) {
            trainer.train(ReasonerRecipe.trainingSet(dataset().train()), Optional.empty(), Checkpointing.none(),
                    ReasonerRecipe.logEvery(base.spec().name() + " LoRA for '" + task.id() + "'", steps));
            trainer.model().toLoraAdapter(LoraProvenance.of(trainer.baseSha256(),
                    Map.of("recipe", toString(), "trainer", ReasonerRecipe.TRAINER_VERSION))).write(out);
        }
        LOG.info("adapted {} to '{}' in {} s", base.spec().name(), task.id(),
                (System.nanoTime() - started) / 1_000_000_000);
    }

    static String sha256(Path file) throws IOException {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file),
                MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}

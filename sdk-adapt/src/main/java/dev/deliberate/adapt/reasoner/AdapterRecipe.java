package dev.deliberate.adapt.reasoner;

import dev.deliberate.adapt.model.LoraConfig;
import dev.deliberate.adapt.train.Checkpointing;
import dev.deliberate.adapt.train.Trainer;
import dev.deliberate.adapt.train.TrainingBudget;
import dev.deliberate.adapt.train.TrainingConfig;
import dev.deliberate.adapt.train.TrainingMode;
import dev.deliberate.adapt.train.TrainingResult;
import dev.deliberate.adapt.train.TrainingSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a LoRA adapter of a trained test model is made from: the base model's recipe, the task it adapts to
 * and the seed of its data, the rank and the training settings. The adapter is trained with the base weights frozen
 * with the project's {@link Trainer} and written in llama.cpp's GGUF LoRA format, with the base file's SHA-256 in
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
 * @param learningRate  AdamW learning rate (after a linear warm-up over the first 5 % of the steps)
 */
public record AdapterRecipe(ReasonerRecipe base, QuantityTask task, long dataSeed, int trainExamples, int heldOut,
        int rank, int steps, int batch, float learningRate) {

    /** The reasoner adapted to {@link QuantityTask#LARGEST}: rank 8 on all projections. */
    public static final AdapterRecipe LARGEST = new AdapterRecipe(ReasonerRecipe.REASONER, QuantityTask.LARGEST, 77,
            20_000, 120, 8, 300, 32, 5e-3f);

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

    /** @return the training configuration: LoRA of the given rank on all projections, alpha twice the rank */
    public TrainingConfig trainingConfig() {
        return TrainingConfig.builder()
                .mode(TrainingMode.LORA)
                .lora(LoraConfig.allProjections(rank))
                .learningRate(learningRate)
                .warmupSteps(Math.max(1, steps / 20))
                .batchSize(batch)
                .maxSequenceLength(128)
                .budget(TrainingBudget.steps(steps))
                .checkpointInterval(0)
                .seed(dataSeed)
                .build();
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
     * @return how training went
     * @throws IOException if reading or writing fails
     */
    public TrainingResult train(Path baseGguf, Path out) throws IOException {
        Path work = Files.createTempDirectory("deliberate-adapt-");
        try {
            TaskDataset data = dataset();
            data.writeTraining(work.resolve("train.jsonl"));
            data.writeHeldOut(work.resolve("heldout.jsonl"));
            TrainingResult result;
            try (Trainer trainer = Trainer.open(baseGguf, trainingConfig())) {
                result = trainer.train(TrainingSet.read(work.resolve("train.jsonl")),
                        Optional.of(TrainingSet.read(work.resolve("heldout.jsonl"))), Checkpointing.none(),
                        ReasonerRecipe.logEvery(base.spec().name() + " LoRA for '" + task.id() + "'", steps));
                trainer.exportAdapter(work.resolve("adapter.gguf"));
            }
            LOG.info("adapted {} to '{}' in {} s, held-out loss {}", base.spec().name(), task.id(),
                    result.elapsed().toSeconds(), result.evalLoss().map(l -> String.format("%.4f", l)).orElse("-"));
            Files.move(work.resolve("adapter.gguf"), out, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            return result;
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}

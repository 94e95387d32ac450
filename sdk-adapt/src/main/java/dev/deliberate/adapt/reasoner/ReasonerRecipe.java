package dev.deliberate.adapt.reasoner;

import dev.deliberate.adapt.train.Checkpointing;
import dev.deliberate.adapt.train.Trainer;
import dev.deliberate.adapt.train.TrainingBudget;
import dev.deliberate.adapt.train.TrainingConfig;
import dev.deliberate.adapt.train.TrainingListener;
import dev.deliberate.adapt.train.TrainingMode;
import dev.deliberate.adapt.train.TrainingProgress;
import dev.deliberate.adapt.train.TrainingResult;
import dev.deliberate.gguf.GgmlType;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a trained test model is made from: the shape, the seed of the generator's random initial weights, the
 * task and the seed of its data, and the training settings. The same recipe always makes the same model, so a
 * made model is cached under a hash of the recipe, the training data and {@link #TRAINER_VERSION}.
 *
 * <p>Training is full-parameter, from the generator's random weights, with the project's {@link Trainer} (AdamW,
 * loss on the thinking and the answer, prompt masked, tokens exactly as llama.cpp sees them).
 *
 * @param spec          the model shape (the trained model is written in F32 whatever its weight type)
 * @param initSeed      seed of {@link TestModelGenerator}'s random initial weights, and of the training order
 * @param task          what the model learns
 * @param dataSeed      seed of the {@link TaskDataset}
 * @param trainExamples training examples
 * @param heldOut       held-out examples (never trained on)
 * @param steps         optimizer steps
 * @param batch         sequences per step
 * @param learningRate  AdamW learning rate (after a linear warm-up over the first 5 % of the steps)
 */
public record ReasonerRecipe(TestModelSpec spec, long initSeed, QuantityTask task, long dataSeed, int trainExamples,
        int heldOut, int steps, int batch, float learningRate) {

    /** Changes whenever the training code changes what it makes; part of the cache key. */
    public static final String TRAINER_VERSION = "adapt-trainer-1";

    /**
     * The reasoner's shape: hidden 128, 4 layers, 4 heads, feed-forward 256, the generator's 512-token vocabulary,
     * F32; about 0.7 million parameters.
     */
    public static final TestModelSpec REASONER_SPEC = new TestModelSpec("deliberate-test-reasoner", 128, 4, 4, 4,
            256, 512, 200, 512, GgmlType.F32);

    /** The reasoning preset: {@link QuantityTask#TOTAL} learnt from scratch by full-parameter training. */
    public static final ReasonerRecipe REASONER = new ReasonerRecipe(REASONER_SPEC, 11, QuantityTask.TOTAL, 2026,
            16_000, 120, 500, 32, 3e-3f);

    private static final Logger LOG = LoggerFactory.getLogger(ReasonerRecipe.class);

    /** Validates. */
    public ReasonerRecipe {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(task, "task");
        if (trainExamples < 1 || heldOut < 1 || steps < 1 || batch < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("at least one training and one held-out example, step and sequence per"
                    + " step, and a positive learning rate: " + this);
        }
    }

    /** @return the training and held-out examples of this recipe */
    public TaskDataset dataset() {
        return TaskDataset.generate(task, dataSeed, trainExamples, heldOut);
    }

    /** @return the training configuration of this recipe */
    public TrainingConfig trainingConfig() {
        return TrainingConfig.builder()
                .mode(TrainingMode.FULL)
                .learningRate(learningRate)
                .warmupSteps(Math.max(1, steps / 20))
                .weightDecay(0.01f)
                .batchSize(batch)
                .maxSequenceLength(128)
                .budget(TrainingBudget.steps(steps))
                .checkpointInterval(0)
                .seed(initSeed)
                .build();
    }

    /** @return the cache file name: the spec's name and a hash of recipe, data and trainer version */
    public String cacheKey() {
        return spec.name() + "-" + hash(TRAINER_VERSION + "\n" + this, dataset()) + ".gguf";
    }

    static String hash(String recipe, TaskDataset data) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((recipe + "\n").getBytes(StandardCharsets.UTF_8));
            for (TaskExample e : data.train()) {
                sha.update(e.toChatJson().toString().getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * Trains the model now (no cache) and writes it to {@code out}, atomically.
     *
     * @param out the GGUF file to create or replace; its directory must exist
     * @return how training went
     * @throws IOException if writing fails
     */
    public TrainingResult train(Path out) throws IOException {
        Path work = Files.createTempDirectory("deliberate-train-");
        try {
            Path init = work.resolve(spec.name() + "-init.gguf");
            new TestModelGenerator(spec, initSeed).writeGguf(init);
            TaskDataset data = dataset();
            data.writeTraining(work.resolve("train.jsonl"));
            data.writeHeldOut(work.resolve("heldout.jsonl"));
            TrainingResult result;
            try (Trainer trainer = Trainer.open(init, trainingConfig())) {
                result = trainer.train(dev.deliberate.adapt.train.TrainingSet.read(work.resolve("train.jsonl")),
                        Optional.of(dev.deliberate.adapt.train.TrainingSet.read(work.resolve("heldout.jsonl"))),
                        Checkpointing.none(), logEvery(spec.name(), steps));
                trainer.exportModel(work.resolve("model.gguf"));
            }
            LOG.info("trained {} in {} s ({} tokens/s), held-out loss {}", spec.name(), result.elapsed().toSeconds(),
                    Math.round(result.tokensPerSecond()), result.evalLoss().map(l -> String.format("%.4f", l))
                            .orElse("-"));
            Files.move(work.resolve("model.gguf"), out, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            return result;
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Logs about twenty progress lines over a run. */
    static TrainingListener logEvery(String what, int steps) {
        int every = Math.max(1, steps / 20);
        return new TrainingListener() {
            @Override
            public void onStep(TrainingProgress p) {
                if (p.step() % every == 0 || p.step() == steps) {
                    LOG.info("training {}: step {}/{}, loss {}, {} tokens/s", what, p.step(), steps,
                            String.format("%.4f", p.loss()), Math.round(p.tokensPerSecond()));
                }
            }
        };
    }
}

package dev.deliberate.adapt.reasoner;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.deliberate.adapt.model.DecoderModel;
import dev.deliberate.adapt.model.Trainable;
import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFile;
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
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a trained test model is made from: the shape, the seed of the generator's random initial weights, the
 * task and the seed of its data, and the training settings. The same recipe always makes the same model, so a
 * made model is cached under a hash of the recipe, the training data and {@link #TRAINER_VERSION}.
 *
 * <p>Training is full-parameter, from the generator's random weights: AdamW with a cosine schedule on the thinking,
 * the answer and the end of the turn (the prompt masked), with {@link DecoderModel}'s forward pass, by the minimal
 * loop of this package ({@code TinyTrainer}). Not with {@code dev.deliberate.adapt.train.Trainer}: on this model its
 * loss turned to NaN after 200 to 300 steps at learning rates of 1.5e-3 and 3e-3 (its learning rate stays constant
 * after the warm-up), and tokenizing through llama.cpp took about 10 ms per example.
 *
 * @param spec          the model shape (the trained model is written in F32 whatever its weight type)
 * @param initSeed      seed of {@link TestModelGenerator}'s random initial weights, and of the training order
 * @param task          what the model learns
 * @param dataSeed      seed of the {@link TaskDataset}
 * @param trainExamples training examples
 * @param heldOut       held-out examples (never trained on)
 * @param steps         optimizer steps
 * @param batch         sequences per step
 * @param learningRate  peak AdamW learning rate (linear warm-up over 5 % of the steps, cosine down to a tenth)
 */
public record ReasonerRecipe(TestModelSpec spec, long initSeed, QuantityTask task, long dataSeed, int trainExamples,
        int heldOut, int steps, int batch, float learningRate) {

    /** Changes whenever the training code changes what it makes; part of the cache key. */
    public static final String TRAINER_VERSION = "tiny-trainer-3";

    /**
     * The reasoner's shape: hidden 128, 4 layers, 4 heads, feed-forward 256, the generator's 512-token vocabulary,
     * F32; 789,120 parameters.
     */
    public static final TestModelSpec REASONER_SPEC = new TestModelSpec("deliberate-test-reasoner", 128, 4, 4, 4,
            256, 512, 200, 512, GgmlType.F32);

    /** The reasoning preset: {@link QuantityTask#TOTAL} learnt from scratch by full-parameter training. */
    public static final ReasonerRecipe REASONER = new ReasonerRecipe(REASONER_SPEC, 11, QuantityTask.TOTAL, 2026,
            16_000, 120, 600, 32, 3e-3f);

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
     * @throws IOException if writing fails
     */
    public void train(Path out) throws IOException {
        Path work = Files.createTempDirectory("deliberate-train-");
        try {
            TestModelGenerator generator = new TestModelGenerator(spec, initSeed);
            Path init = work.resolve(spec.name() + "-init.gguf");
            generator.writeGguf(init);
            List<TinyTrainer.Sequence> sequences;
            try (ChatTokens tokens = ChatTokens.of(generator, work)) {
                sequences = dataset().train().stream().map(tokens::sequence).toList();
            }
            long started = System.nanoTime();
            TinyTrainer.withRetry(() -> {
                try (NDManager root = Engine.getEngine("PyTorch").newBaseManager();
                        DecoderModel model = DecoderModel.load(init, root)) {
                    model.setTrainable(Trainable.ALL);
                    TinyTrainer.train(model, root, sequences, new TinyTrainer.Settings(steps, batch, learningRate,
                            0.01f, initSeed), logEvery(spec.name(), steps));
                    TinyTrainer.writeGguf(model, GgufFile.read(init), spec.name(), "Trained by Deliberate ("
                            + TRAINER_VERSION + ") on the synthetic task '" + task.id() + "' (" + task.systemPrompt()
                            + "), " + trainExamples + " examples from seed " + dataSeed + ", " + steps + " steps of "
                            + batch + "; initial weights from seed " + initSeed + ".", work.resolve("model.gguf"));
                }
            });
            LOG.info("trained {} in {} s", spec.name(), (System.nanoTime() - started) / 1_000_000_000);
            Files.move(work.resolve("model.gguf"), out, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Logs about twenty progress lines over a run. */
    static Consumer<TinyTrainer.StepReport> logEvery(String what, int steps) {
        int every = Math.max(1, steps / 20);
        return r -> {
            if (r.step() % every == 0 || r.step() == steps) {
                LOG.info("training {}: step {}/{}, loss {}, {} tokens/s", what, r.step(), steps,
                        String.format("%.4f", r.loss()), r.elapsedMillis() == 0 ? 0 : r.tokens() * 1000 / r.elapsedMillis());
            }
        };
    }
}

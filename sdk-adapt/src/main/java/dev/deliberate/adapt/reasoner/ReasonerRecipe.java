package dev.deliberate.adapt.reasoner;

import dev.deliberate.adapt.model.DecoderModel;
import dev.deliberate.adapt.train.Checkpointing;
import dev.deliberate.adapt.train.LearningRateSchedule;
import dev.deliberate.adapt.train.Trainer;
import dev.deliberate.adapt.train.TrainingBudget;
import dev.deliberate.adapt.train.TrainingConfig;
import dev.deliberate.adapt.train.TrainingExample;
import dev.deliberate.adapt.train.TrainingListener;
import dev.deliberate.adapt.train.TrainingMode;
import dev.deliberate.adapt.train.TrainingProgress;
import dev.deliberate.adapt.train.TrainingSet;
import dev.deliberate.core.ChatMessage;
import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.GgufValue;
import dev.deliberate.gguf.GgufWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
 * <p>Training is full-parameter, from the generator's random weights, by the product's trainer
 * ({@link Trainer}, {@link TrainingMode#FULL}): AdamW with a cosine schedule ({@link LearningRateSchedule#COSINE})
 * on the thinking, the answer and the end of the turn (the prompt masked), the examples rendered by the model's chat
 * template and tokenised by llama.cpp as at inference ({@link #trainingConfig}). With the schedule constant after
 * the warm-up, the loss turned to NaN after 200 to 300 steps at learning rates of 1.5e-3 and 3e-3.
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
    public static final String TRAINER_VERSION = "trainer-cosine-2";

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
            long started = System.nanoTime();
            try (Trainer trainer = Trainer.open(init, trainingConfig())) {
                trainer.train(trainingSet(dataset().train()), Optional.empty(), Checkpointing.none(),
                        logEvery(spec.name(), steps));
                writeGguf(trainer.model(), GgufFile.read(init), spec.name(), "Trained by Deliberate ("
                        + TRAINER_VERSION + ") on the synthetic task '" + task.id() + "' ("
                        + task.systemPrompt() + "), " + trainExamples + " examples from seed " + dataSeed + ", "
                        + steps + " steps of " + batch + "; initial weights from seed " + initSeed + ".",
                        work.resolve("model.gguf"));
            }
            LOG.info("trained {} in {} s", spec.name(), (System.nanoTime() - started) / 1_000_000_000);
            Files.move(work.resolve("model.gguf"), out, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * The product trainer's settings for this recipe: every weight, AdamW with weight decay 0.01, linear warm-up over
     * 5 % of the steps then a cosine down to a tenth, gradients clipped to norm 1, the prompt masked.
     */
    TrainingConfig trainingConfig() {
        return TrainingConfig.builder().mode(TrainingMode.FULL).learningRate(learningRate)
                .warmupSteps(Math.max(1, steps / 20)).schedule(LearningRateSchedule.COSINE).weightDecay(0.01f)
                .batchSize(batch).maxSequenceLength(MAX_SEQUENCE).budget(TrainingBudget.steps(steps))
                .seed(initSeed).build();
    }

    /** The most tokens of one training example. */
    static final int MAX_SEQUENCE = 256;

    /** Task examples as chat examples: the task's system prompt, the input, the worked thinking and the answer. */
    static TrainingSet trainingSet(List<TaskExample> examples) {
        return TrainingSet.of("task", examples.stream().map(e -> new TrainingExample(List.of(
                ChatMessage.system(e.task().systemPrompt()), ChatMessage.user(e.input())), e.thinking(),
                e.answerText())).toList());
    }

    /**
     * Writes every weight of {@code model} as F32 into a GGUF with {@code header}'s metadata ({@code general.name}
     * and {@code general.description} replaced) and tensor order, atomically.
     */
    static void writeGguf(DecoderModel model, GgufFile header, String name, String description, Path out)
            throws IOException {
        GgufWriter w = new GgufWriter();
        for (Map.Entry<String, GgufValue> e : header.metadata().entrySet()) {
            switch (e.getKey()) {
                case "general.name" -> w.put(e.getKey(), GgufValue.string(name));
                case "general.description" -> w.put(e.getKey(), GgufValue.string(description));
                case "general.file_type" -> w.put(e.getKey(), GgufValue.uint32(0));
                default -> w.put(e.getKey(), e.getValue());
            }
        }
        for (GgufTensorInfo info : header.tensors()) {
            // PyTorch layout (out, in) is ggml's row order for a [in, out] tensor: the floats go out as they are
            float[] data = model.weights().get(info.name()).toFloatArray();
            w.tensor(info.name(), GgmlType.F32, info.shape(), sink -> sink.accept(data, 0, data.length));
        }
        w.write(out);
    }

    /** Logs about twenty progress lines over a run. */
    static TrainingListener logEvery(String what, int steps) {
        int every = Math.max(1, steps / 20);
        return new TrainingListener() {
            @Override
            public void onStep(TrainingProgress p) {
                if (p.step() % every == 0 || p.step() == steps) {
                    LOG.info("training {}: step {}/{}, loss {}, {} tokens/s", what, p.step(), steps,
                            String.format(Locale.ROOT, "%.4f", p.loss()), Math.round(p.tokensPerSecond()));
                }
            }
        };
    }
}

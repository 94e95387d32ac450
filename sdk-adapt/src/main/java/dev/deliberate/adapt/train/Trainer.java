package dev.deliberate.adapt.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.deliberate.adapt.model.DecoderModel;
import dev.deliberate.adapt.model.ForwardMode;
import dev.deliberate.adapt.model.LoraTarget;
import dev.deliberate.adapt.model.ModelConfig;
import dev.deliberate.adapt.model.Trainable;
import dev.deliberate.adapt.model.UnsupportedModelException;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.ModelLoadException;
import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufFormatException;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.GgufTensorReader;
import dev.deliberate.gguf.GgufValue;
import dev.deliberate.gguf.GgufWriter;
import dev.deliberate.gguf.lora.LoraAdapter;
import dev.deliberate.gguf.lora.LoraProvenance;
import dev.deliberate.llama.LlamaTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Trains a GGUF model in Java: LoRA adapters on the configured projections, or every weight, with AdamW, gradient
 * accumulation, clipping by global norm, a held-out loss, checkpoints and a wall-clock budget; then exports a GGUF
 * LoRA adapter that llama.cpp loads, or a full GGUF model.
 *
 * <pre>{@code
 * TrainingConfig config = TrainingConfig.builder().lora(LoraConfig.attention(8))
 *         .budget(TrainingBudget.steps(200)).build();
 * try (Trainer trainer = Trainer.open(Path.of("base.gguf"), config)) {
 *     TrainingResult result = trainer.train(TrainingSet.read(Path.of("train.jsonl")),
 *             Optional.of(TrainingSet.read(Path.of("eval.jsonl"))),
 *             Checkpointing.resumeFrom(Path.of("adapter.ckpt")), progress -> System.out.println(progress));
 *     trainer.exportAdapter(Path.of("adapter.gguf"));
 * }
 * }</pre>
 *
 * <p>Opening a trainer sets libtorch's intra-op threads for the whole process ({@link TrainingConfig#threads()}).
 *
 * <p>What the model trains on is what it sees at inference: the examples are rendered with the base model's chat
 * template and tokenised by the bundled llama.cpp ({@link ExampleEncoder}). The memory a run needs is estimated and
 * checked before any weight is loaded ({@link MemoryEstimate}). For a fixed seed, configuration, data and base model
 * two runs give the same weights byte for byte; a run killed and resumed from its checkpoint gives the uninterrupted
 * run's weights (byte for byte in the tests, except once to float rounding after other work in the same JVM:
 * libtorch's CPU kernels may sum in another order for differently aligned buffers). Not thread-safe.
 */
public final class Trainer implements AutoCloseable {

    private final Path base;
    private final GgufFile header;
    private final TrainingConfig config;
    private final MemoryEstimate estimate;
    private final String baseSha256;
    private final LlamaTokenizer tokenizer;
    private final NDManager root;
    private final DecoderModel model;
    private final ExampleEncoder encoder;
    private long steps;
    private boolean trained;
    private TrainingDivergedException diverged;
    private boolean closed;

    private Trainer(Path base, GgufFile header, TrainingConfig config, MemoryEstimate estimate, String baseSha256,
            LlamaTokenizer tokenizer, NDManager root, DecoderModel model) {
        this.base = base;
        this.header = header;
        this.config = config;
        this.estimate = estimate;
        this.baseSha256 = baseSha256;
        this.tokenizer = tokenizer;
        this.root = root;
        this.model = model;
        this.encoder = new ExampleEncoder(tokenizer, config.thinkingLoss(), config.maxSequenceLength());
    }

    /** Opens a base model for training within this machine's memory ({@link MemoryLimit#ofMachine()}). */
    public static Trainer open(Path base, TrainingConfig config) {
        return open(base, config, MemoryLimit.ofMachine());
    }

    /**
     * Opens a base model for training: checks the file, the architecture, the tensor types and the memory estimate
     * first, then loads the weights (dequantized to F32) and, in {@link TrainingMode#LORA}, adds fresh adapters
     * (seeded).
     *
     * @throws ModelLoadException        missing, unreadable or malformed file
     * @throws UnsupportedModelException an architecture or tensor type that cannot be trained
     * @throws MemoryLimitException      the run would need more memory than {@code limit}, with the estimate
     * @throws IllegalArgumentException  the maximum sequence length exceeds the model's context length
     */
    public static Trainer open(Path base, TrainingConfig config, MemoryLimit limit) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(limit, "limit");
        GgufFile header = header(base);
        ModelConfig shape = ModelConfig.fromGguf(header);
        for (GgufTensorInfo t : header.tensors()) {
            if (t.type().isEmpty() || !GgufTensorReader.decodableTypes().contains(t.type().get())) {
                throw new UnsupportedModelException(base + ": tensor " + t.name() + " has type "
                        + t.type().map(Object::toString).orElse("code " + t.typeCode())
                        + ", which cannot be dequantized for training; supported: "
                        + GgufTensorReader.decodableTypes().stream().map(Object::toString).sorted()
                                .collect(Collectors.joining(", ")));
            }
        }
        if (config.maxSequenceLength() > shape.contextLength()) {
            throw new IllegalArgumentException("max sequence length " + config.maxSequenceLength()
                    + " exceeds the context length " + shape.contextLength() + " of " + base);
        }
        MemoryEstimate estimate = MemoryEstimate.of(shape, header.tensor("output.weight").isEmpty(), config);
        estimate.check(limit);
        String sha = sha256(base);
        LlamaTokenizer tokenizer = LlamaTokenizer.open(base);
        NDManager root = NDManager.newBaseManager();
        DecoderModel model = null;
        try {
            // process-wide in libtorch, and only once its native library is loaded (the manager above loads it);
            // the trained weights do not depend on it
            ai.djl.pytorch.jni.JniUtils.setNumThreads(config.effectiveThreads());
            model = DecoderModel.load(base, header, shape, root);
            if (config.mode() == TrainingMode.LORA) {
                model.addLora(config.lora(), config.seed());
                model.setTrainable(Trainable.LORA);
            } else {
                model.setTrainable(Trainable.ALL);
            }
            return new Trainer(base, header, config, estimate, sha, tokenizer, root, model);
        } catch (IOException e) {
            tokenizer.close();
            root.close();
            throw new ModelLoadException("cannot read model file " + base + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (model != null) {
                model.close();
            }
            tokenizer.close();
            root.close();
            throw e;
        }
    }

    private static GgufFile header(Path base) {
        try {
            return GgufFile.read(base);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("model file not found: " + base, e);
        } catch (GgufFormatException e) {
            throw new ModelLoadException("invalid GGUF file " + base + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model file " + base + ": " + e.getMessage(), e);
        }
    }

    /** The memory estimate this run was admitted with. */
    public MemoryEstimate memoryEstimate() {
        return estimate;
    }

    /** The configuration. */
    public TrainingConfig config() {
        return config;
    }

    /** The lower-case hex SHA-256 of the base model file, recorded in what this trainer exports. */
    public String baseSha256() {
        return baseSha256;
    }

    /** The encoder that turns examples into the token ids the model trains on. */
    public ExampleEncoder encoder() {
        return encoder;
    }

    /** The model being trained (its trainable parameters change as training runs). */
    public DecoderModel model() {
        return model;
    }

    /**
     * Trains until the budget is spent.
     *
     * @param train         the training examples
     * @param eval          held-out examples, evaluated before the first step (unless resuming), every
     *                      {@link TrainingConfig#evalInterval()} steps and at the end
     * @param checkpointing where checkpoints go, and whether to resume
     * @param listener      hears each step, evaluation and checkpoint
     * @return how the run ended
     * @throws TrainingDataException an example is longer than the maximum sequence length (named by its line)
     * @throws CheckpointException   the checkpoint cannot be resumed from (another base, configuration, or damaged)
     * @throws TrainingDivergedException a step's loss or gradient norm was not finite: nothing of that step is
     *                                   applied or written, the last checkpoint stays intact
     * @throws DeliberateException   a checkpoint cannot be written
     * @throws IllegalStateException called a second time (a trainer trains once)
     */
    public TrainingResult train(TrainingSet train, Optional<TrainingSet> eval, Checkpointing checkpointing,
            TrainingListener listener) {
        check();
        Objects.requireNonNull(listener, "listener");
        if (trained) {
            throw new IllegalStateException("this trainer has trained already: open a new one (on the exported"
                    + " model, to train further)");
        }
        List<TokenizedExample> data = encoder.encode(train);
        Optional<List<TokenizedExample>> held = eval.map(encoder::encode);
        for (int i = 0; i < data.size(); i++) {
            if (data.get(i).trainedCount() == 0) {
                throw new TrainingDataException(train.source(), train.lines().get(i), "nothing to train on");
            }
        }
        trained = true;
        Map<String, NDArray> parameters = model.trainableParameters();
        Map<String, String> fingerprint = fingerprint();
        try (AdamW optimizer = new AdamW(root, config)) {
            long tokens = 0;
            long elapsedBefore = 0;
            OptionalLong resumedFrom = OptionalLong.empty();
            steps = 0;
            Optional<Path> file = checkpointing.file();
            if (checkpointing.resume() && Files.isRegularFile(file.get())) {
                Checkpoint c = Checkpoint.read(file.get());
                restore(c, file.get(), fingerprint, parameters, optimizer);
                steps = c.step();
                tokens = c.tokens();
                elapsedBefore = c.elapsedNanos();
                resumedFrom = OptionalLong.of(c.step());
                listener.onResume(c.step(), file.get());
            }
            Optional<Double> initialEval = Optional.empty();
            if (held.isPresent() && resumedFrom.isEmpty()) {
                initialEval = Optional.of(loss(held.get()));
                listener.onEvaluation(0, initialEval.get());
            }
            Batches batches = new Batches(data.size(), config);
            List<Double> losses = new ArrayList<>();
            long start = System.nanoTime();
            long runTokens = 0;
            Optional<Double> lastEval = Optional.empty();
            StopReason stop;
            while (true) {
                long elapsed = elapsedBefore + (System.nanoTime() - start);
                if (config.budget().steps().isPresent() && steps >= config.budget().steps().getAsLong()) {
                    stop = StopReason.STEPS;
                    break;
                }
                if (config.budget().time().isPresent() && elapsed >= config.budget().time().get().toNanos()) {
                    stop = StopReason.TIME;
                    break;
                }
                steps++;
                StepOutcome outcome;
                try {
                    outcome = step(data, batches, parameters, optimizer);
                } catch (TrainingDivergedException e) {
                    diverged = e;
                    throw e;
                }
                tokens += outcome.tokens();
                runTokens += outcome.tokens();
                losses.add(outcome.loss());
                long now = System.nanoTime();
                Duration spent = Duration.ofNanos(elapsedBefore + now - start);
                double perSecond = runTokens / Math.max(1e-9, (now - start) / 1e9);
                listener.onStep(new TrainingProgress(steps, config.budget().steps(), outcome.loss(),
                        outcome.gradientNorm(), config.learningRateAt(steps), perSecond, tokens, spent,
                        remaining(spent, (now - start) / (double) losses.size())));
                if (file.isPresent() && config.checkpointInterval() > 0 && steps % config.checkpointInterval() == 0) {
                    writeCheckpoint(file.get(), fingerprint, tokens, elapsedBefore + now - start, optimizer,
                            parameters);
                    listener.onCheckpoint(steps, file.get());
                }
                if (held.isPresent() && config.evalInterval() > 0 && steps % config.evalInterval() == 0) {
                    lastEval = Optional.of(loss(held.get()));
                    listener.onEvaluation(steps, lastEval.get());
                }
            }
            long total = elapsedBefore + (System.nanoTime() - start);
            if (file.isPresent() && !losses.isEmpty()) {
                writeCheckpoint(file.get(), fingerprint, tokens, total, optimizer, parameters);
                listener.onCheckpoint(steps, file.get());
            }
            if (held.isPresent() && (lastEval.isEmpty() || losses.isEmpty()
                    || config.evalInterval() == 0 || steps % config.evalInterval() != 0)) {
                lastEval = Optional.of(loss(held.get()));
                listener.onEvaluation(steps, lastEval.get());
            }
            double perSecond = runTokens / Math.max(1e-9, (System.nanoTime() - start) / 1e9);
            return new TrainingResult(steps, losses, initialEval, lastEval, tokens, Duration.ofNanos(total),
                    perSecond, stop, resumedFrom);
        }
    }

    private Optional<Duration> remaining(Duration spent, double nanosPerStep) {
        Optional<Duration> byTime = config.budget().time().map(t -> t.minus(spent).isNegative() ? Duration.ZERO
                : t.minus(spent));
        if (config.budget().steps().isEmpty()) {
            return byTime;
        }
        long left = config.budget().steps().getAsLong() - steps;
        Duration bySteps = Duration.ofNanos((long) (Math.max(0, left) * nanosPerStep));
        return Optional.of(byTime.filter(t -> t.compareTo(bySteps) < 0).orElse(bySteps));
    }

    private record StepOutcome(double loss, double gradientNorm, long tokens) {
    }

    /** One optimizer step: the micro-batches' gradients summed, clipped, applied. */
    private StepOutcome step(List<TokenizedExample> data, Batches batches, Map<String, NDArray> parameters,
            AdamW optimizer) {
        Engine engine = root.getEngine();
        // dropout draws from the engine's generator: seeding it per step makes a resumed run draw what the
        // uninterrupted run drew
        engine.setRandomSeed((int) (config.seed() * 1_000_003L + steps));
        List<List<TokenizedExample>> micro = new ArrayList<>();
        long trained = 0;
        long tokens = 0;
        for (int j = 0; j < config.gradientAccumulation(); j++) {
            List<TokenizedExample> batch = new ArrayList<>();
            for (int index : batches.micro(steps, j)) {
                TokenizedExample e = data.get(index);
                batch.add(e);
                trained += e.trainedCount();
                tokens += e.length();
            }
            micro.add(batch);
        }
        double lossSum = 0;
        for (List<TokenizedExample> batch : micro) {
            try (NDManager work = root.newSubManager()) {
                Tensors t = tensors(work, batch);
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDArray logits = model.logits(t.ids(), ForwardMode.TRAINING);
                    NDArray nll = negativeLogLikelihood(logits, t);
                    lossSum += nll.getFloat();
                    // the divisor as an array of this micro-batch's manager, alive until the backward pass is
                    // done (not nll.div(float): see DecoderModel on DJL's temporary scalars)
                    collector.backward(nll.div(work.create((float) trained)));
                }
            }
        }
        double norm;
        try (NDManager work = root.newSubManager()) {
            Map<String, NDArray> gradients = new LinkedHashMap<>();
            double squares = 0;
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                NDArray g = e.getValue().getGradient();
                g.attach(work);
                gradients.put(e.getKey(), g);
                squares += g.square().sum().getFloat();
            }
            norm = Math.sqrt(squares);
            double loss = lossSum / trained;
            if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                List<String> nonFinite = new ArrayList<>();
                gradients.forEach((name, g) -> {
                    if (g.isNaN().any().getBoolean() || g.isInfinite().any().getBoolean()) {
                        nonFinite.add(name);
                    }
                });
                throw new TrainingDivergedException(steps, loss, norm, config.learningRateAt(steps), nonFinite);
            }
            if (config.maxGradNorm() > 0 && norm > config.maxGradNorm()) {
                float scale = (float) (config.maxGradNorm() / (norm + 1e-6));
                for (NDArray g : gradients.values()) {
                    g.muli(scale);
                }
            }
            optimizer.step(parameters, gradients, config.learningRateAt(steps));
            for (NDArray g : gradients.values()) {
                g.subi(g); // PyTorch adds each backward pass to the gradient: start the next step from zero
            }
        }
        return new StepOutcome(lossSum / trained, norm, tokens);
    }

    /**
     * Token ids right-padded with end-of-sequence, and the loss's targets: the flat indices of the trained positions
     * in {@code [batch, length - 1]} (position {@code i} predicts token {@code i + 1}) and the tokens they predict.
     */
    private record Tensors(NDArray ids, NDArray positions, NDArray targets, int length) {
    }

    private Tensors tensors(NDManager work, List<TokenizedExample> batch) {
        int length = batch.stream().mapToInt(TokenizedExample::length).max().orElseThrow();
        int pad = tokenizer.endOfSequence();
        long[] ids = new long[batch.size() * length];
        int trained = 0;
        for (TokenizedExample e : batch) {
            trained += e.trainedCount();
        }
        long[] positions = new long[trained];
        long[] targets = new long[trained];
        int n = 0;
        for (int b = 0; b < batch.size(); b++) {
            TokenizedExample e = batch.get(b);
            for (int i = 0; i < length; i++) {
                ids[b * length + i] = i < e.length() ? e.token(i) : pad;
                if (i > 0 && i < e.length() && e.isTrained(i)) {
                    positions[n] = (long) b * (length - 1) + i - 1;
                    targets[n++] = e.token(i);
                }
            }
        }
        // right padding needs no attention mask: causal attention never lets a real token see a later pad
        return new Tensors(work.create(ids, new Shape(batch.size(), length)), work.create(positions),
                work.create(targets), length);
    }

    /** Sum over trained tokens of {@code -log p(token | previous tokens)}. */
    private static NDArray negativeLogLikelihood(NDArray logits, Tensors t) {
        long vocabulary = logits.getShape().get(2);
        // the log-softmax (and its gradient) only at trained positions: the prompt's rows would be masked anyway,
        // and with a large vocabulary they are most of the memory of the loss
        NDArray rows = logits.get(new NDIndex(":, :" + (t.length() - 1))).reshape(-1, vocabulary).get(t.positions());
        NDArray picked = rows.logSoftmax(-1).gather(t.targets().expandDims(-1), -1);
        return picked.sum().neg();
    }

    /**
     * The mean loss per trained token of a set of examples, without dropout and without changing anything.
     *
     * @throws TrainingDataException an example is too long for the maximum sequence length
     */
    public double evaluate(TrainingSet set) {
        check();
        return loss(encoder.encode(set));
    }

    private double loss(List<TokenizedExample> examples) {
        double sum = 0;
        long trained = 0;
        for (int start = 0; start < examples.size(); start += config.batchSize()) {
            List<TokenizedExample> batch = examples.subList(start, Math.min(examples.size(),
                    start + config.batchSize()));
            try (NDManager work = root.newSubManager()) {
                Tensors t = tensors(work, batch);
                NDArray logits = model.logits(t.ids(), ForwardMode.INFERENCE);
                sum += negativeLogLikelihood(logits, t).getFloat();
            }
            for (TokenizedExample e : batch) {
                trained += e.trainedCount();
            }
        }
        return trained == 0 ? 0 : sum / trained;
    }

    private void restore(Checkpoint c, Path file, Map<String, String> fingerprint, Map<String, NDArray> parameters,
            AdamW optimizer) {
        if (!c.baseSha256().equals(baseSha256)) {
            throw new CheckpointException(file + " was written for another base model (SHA-256 " + c.baseSha256()
                    + ", this one is " + baseSha256 + ")");
        }
        if (!c.configuration().equals(fingerprint)) {
            Map<String, String> diff = new TreeMap<>();
            fingerprint.forEach((k, v) -> {
                if (!v.equals(c.configuration().get(k))) {
                    diff.put(k, c.configuration().getOrDefault(k, "(none)") + " -> " + v);
                }
            });
            throw new CheckpointException(file + " was written with another training configuration: " + diff
                    + "; resume with the same settings or start fresh");
        }
        if (!c.parameters().keySet().equals(parameters.keySet())) {
            throw new CheckpointException(file + " holds other parameters than this model trains");
        }
        Map<String, float[][]> moments = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            float[][] stored = c.parameters().get(e.getKey());
            if (!Checkpoint.fits(stored[0], e.getValue().getShape())) {
                throw new CheckpointException(file + ": parameter " + e.getKey() + " does not have shape "
                        + Checkpoint.shapeOf(e.getValue()));
            }
            e.getValue().set(stored[0]);
            moments.put(e.getKey(), new float[][] {stored[1], stored[2]});
        }
        optimizer.restore(c.optimizerSteps(), moments, parameters);
    }

    private void writeCheckpoint(Path file, Map<String, String> fingerprint, long tokens, long elapsedNanos,
            AdamW optimizer, Map<String, NDArray> parameters) {
        try {
            Checkpoint.write(file, fingerprint, baseSha256, steps, tokens, elapsedNanos, optimizer, parameters);
        } catch (IOException e) {
            throw new DeliberateException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * What decides the trained weights, as text: recorded in checkpoints (a resume must match) and in exported files.
     * The budget and intervals are left out, so a resumed run may be given more steps or time.
     */
    Map<String, String> fingerprint() {
        Map<String, String> m = new TreeMap<>();
        m.put("mode", config.mode().name().toLowerCase(Locale.ROOT));
        if (config.mode() == TrainingMode.LORA) {
            m.put("lora.rank", Integer.toString(config.lora().rank()));
            m.put("lora.alpha", Float.toString(config.lora().alpha()));
            m.put("lora.dropout", Float.toString(config.lora().dropout()));
            m.put("lora.targets", config.lora().targets().stream().sorted().map(LoraTarget::tensorStem)
                    .collect(Collectors.joining(",")));
        }
        m.put("learning_rate", Float.toString(config.learningRate()));
        m.put("warmup_steps", Integer.toString(config.warmupSteps()));
        if (config.schedule() != LearningRateSchedule.CONSTANT) {
            // a cosine decays over the step budget: resuming with another budget would change the weights
            m.put("learning_rate_schedule", config.schedule().name().toLowerCase(Locale.ROOT) + " over "
                    + config.budget().steps().getAsLong() + " steps");
        }
        m.put("weight_decay", Float.toString(config.weightDecay()));
        m.put("betas", config.beta1() + "," + config.beta2());
        m.put("epsilon", Float.toString(config.epsilon()));
        m.put("batch_size", Integer.toString(config.batchSize()));
        m.put("gradient_accumulation", Integer.toString(config.gradientAccumulation()));
        m.put("max_grad_norm", Float.toString(config.maxGradNorm()));
        m.put("max_sequence_length", Integer.toString(config.maxSequenceLength()));
        m.put("seed", Long.toString(config.seed()));
        m.put("thinking_loss", config.thinkingLoss().name().toLowerCase(Locale.ROOT));
        return m;
    }

    /** The training description recorded in exported files: the configuration and the steps done. */
    private Map<String, String> provenance() {
        Map<String, String> m = new TreeMap<>(fingerprint());
        m.put("steps", Long.toString(steps));
        return m;
    }

    /**
     * Writes the trained LoRA adapter in llama.cpp's GGUF adapter format, atomically, with the base model's SHA-256
     * and the training configuration in its metadata ({@link LoraProvenance}). llama.cpp applies it with
     * {@code --lora FILE}; the scale {@code alpha / rank} is in the file.
     *
     * @return the file's size
     * @throws IllegalStateException not a LoRA run, or training diverged ({@link TrainingDivergedException})
     * @throws DeliberateException   the file cannot be written (nothing is left at {@code out})
     */
    public long exportAdapter(Path out) {
        check();
        checkNotDiverged();
        if (config.mode() != TrainingMode.LORA) {
            throw new IllegalStateException("this run trains every weight: export a model with exportModel");
        }
        LoraAdapter adapter = model.toLoraAdapter(LoraProvenance.of(baseSha256, provenance()));
        try {
            return adapter.write(out);
        } catch (IOException e) {
            throw new DeliberateException("cannot write adapter " + out + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the whole trained model as a GGUF file, atomically: the base model's metadata (tokenizer, chat
     * template, hyper-parameters) with every tensor in F32, plus the base's SHA-256 and the training configuration
     * under {@code deliberate.}. For full training; llama.cpp runs the file as it ran the base.
     *
     * @return the file's size
     * @throws DeliberateException the file cannot be written (nothing is left at {@code out})
     */
    public long exportModel(Path out) {
        check();
        checkNotDiverged();
        if (config.mode() != TrainingMode.FULL) {
            throw new IllegalStateException("this run trains LoRA adapters: export them with exportAdapter, or"
                    + " merge them with deliberate adapt merge");
        }
        GgufWriter w = new GgufWriter();
        for (Map.Entry<String, GgufValue> e : header.metadata().entrySet()) {
            String key = e.getKey();
            if (key.equals("general.file_type") || key.startsWith(LoraProvenance.TRAINING_PREFIX)
                    || key.equals(LoraProvenance.BASE_SHA256_KEY)) {
                continue;
            }
            w.put(key, e.getValue());
        }
        w.put("general.file_type", GgufValue.uint32(0)); // all F32
        w.put(LoraProvenance.BASE_SHA256_KEY, GgufValue.string(baseSha256));
        provenance().forEach((k, v) -> w.put(LoraProvenance.TRAINING_PREFIX + k, GgufValue.string(v)));
        Map<String, NDArray> weights = model.weights();
        for (GgufTensorInfo t : header.tensors()) {
            NDArray a = weights.get(t.name());
            if (a == null) {
                throw new IllegalStateException("the model holds no tensor " + t.name());
            }
            w.tensor(t.name(), GgmlType.F32, t.shape(), sink -> {
                float[] values = a.toFloatArray();
                sink.accept(values, 0, values.length);
            });
        }
        try {
            return w.write(out);
        } catch (IOException e) {
            throw new DeliberateException("cannot write model " + out + ": " + e.getMessage(), e);
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model file " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void checkNotDiverged() {
        if (diverged != null) {
            throw new IllegalStateException("nothing to export: " + diverged.getMessage(), diverged);
        }
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("trainer is closed");
        }
    }

    /** The example order: each epoch a fresh permutation from the seed, so step {@code s} always sees the same. */
    private static final class Batches {
        private final int size;
        private final TrainingConfig config;
        private long epoch = -1;
        private int[] order;

        Batches(int size, TrainingConfig config) {
            this.size = size;
            this.config = config;
        }

        /** Example indices of micro-batch {@code j} of 1-based step {@code step}. */
        int[] micro(long step, int j) {
            int[] out = new int[config.batchSize()];
            long first = ((step - 1) * config.gradientAccumulation() + j) * (long) config.batchSize();
            for (int k = 0; k < out.length; k++) {
                long at = first + k;
                out[k] = permutation(at / size)[(int) (at % size)];
            }
            return out;
        }

        private int[] permutation(long e) {
            if (e != epoch) {
                order = new int[size];
                for (int i = 0; i < size; i++) {
                    order[i] = i;
                }
                Random r = new Random(config.seed() * 0x5DEECE66DL + e);
                for (int i = size - 1; i > 0; i--) {
                    int k = r.nextInt(i + 1);
                    int tmp = order[i];
                    order[i] = order[k];
                    order[k] = tmp;
                }
                epoch = e;
            }
            return order;
        }
    }

    /** Frees the weights and the tokenizer. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        model.close();
        root.close();
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "Trainer[" + base + ", " + config.mode() + ", step " + steps + "]";
    }
}

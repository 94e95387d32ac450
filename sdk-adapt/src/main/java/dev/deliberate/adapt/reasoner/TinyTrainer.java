package dev.deliberate.adapt.reasoner;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.deliberate.adapt.model.DecoderModel;
import dev.deliberate.adapt.model.ForwardMode;
import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.GgufValue;
import dev.deliberate.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal training loop for the small test models, on DJL's PyTorch engine: {@link DecoderModel}'s forward pass
 * (what llama.cpp computes), AdamW on whatever the model marks trainable (every weight, or LoRA matrices only), the
 * loss on the completion tokens only (thinking, {@code </think>}, answer and end of sentence; the prompt is masked),
 * and the result written back as an F32 GGUF that llama.cpp loads.
 *
 * <p><b>Written for the trained test-model presets only</b>: the project's general trainer (checkpoints, budgets,
 * gradient accumulation, progress bar) lives in {@code dev.deliberate.adapt.train}. This loop has none of that; it
 * exists so the presets did not have to wait for it.
 *
 * <p>The initial weights, the data and the batch order come from seeds, but the trained weights are not bit for bit
 * the same from run to run: two runs of the same recipe here gave files that differ in their bytes (libtorch's CPU
 * kernels), with the same held-out figures. Tests therefore assert figures with margins, never bytes.
 */
final class TinyTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(TinyTrainer.class);
    static final int MAX_SEQUENCE = 256;

    /**
     * Hyper-parameters.
     *
     * @param steps        optimizer steps
     * @param batch        sequences per step
     * @param learningRate peak learning rate (linear warm-up over the first 5 % of steps, then cosine to 10 %)
     * @param weightDecay  AdamW decoupled weight decay
     * @param seed         batch order and the engine's seed
     */
    record Settings(int steps, int batch, float learningRate, float weightDecay, long seed) {
        Settings {
            if (steps < 1 || batch < 1 || !(learningRate > 0) || weightDecay < 0) {
                throw new IllegalArgumentException("steps and batch >= 1, learning rate > 0: " + this);
            }
        }
    }

    /**
     * One tokenized training sequence.
     *
     * @param ids        token ids, BOS first
     * @param firstTrained index of the first token whose prediction is trained (the rest before it is prompt)
     */
    record Sequence(long[] ids, int firstTrained) {
        Sequence {
            if (ids.length < 2 || ids.length > MAX_SEQUENCE || firstTrained < 1 || firstTrained >= ids.length) {
                throw new IllegalArgumentException("a sequence of 2-" + MAX_SEQUENCE + " tokens with a completion, "
                        + "not " + ids.length + " tokens trained from " + firstTrained);
            }
        }
    }

    /** Progress of one step. */
    record StepReport(int step, int steps, float loss, long tokens, long elapsedMillis) {
    }

    private TinyTrainer() {
    }

    /** The loss stopped being a finite number. */
    static final class Diverged extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Diverged(String message) {
            super(message);
        }
    }

    /** Attempts per training run: see {@link #withRetry}. */
    static final int ATTEMPTS = 2;

    /** A training run that may be repeated from its start. */
    interface Run {
        void run() throws java.io.IOException;
    }

    /**
     * Runs {@code run}, once more from the start if its loss turned to NaN. Seen once in about six runs of the
     * reasoner recipe here, at step 25 of the first training in a JVM, while the same recipe ran through in the
     * others with the same losses step for step; the cause (in this loop, DJL or libtorch) is not found. A second
     * divergence is thrown.
     */
    static void withRetry(Run run) throws java.io.IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                run.run();
                return;
            } catch (Diverged e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                LOG.warn("{}; training again from the start", e.getMessage());
            }
        }
    }

    /**
     * Trains what {@code model} marks trainable on the sequences.
     *
     * @param model    the model, its trainable set chosen ({@link DecoderModel#setTrainable})
     * @param base     the manager of the model (steps allocate in its sub-managers)
     * @param data     training sequences
     * @param settings hyper-parameters
     * @param progress told after every step
     */
    static void train(DecoderModel model, NDManager base, List<Sequence> data, Settings settings,
            Consumer<StepReport> progress) {
        if (data.isEmpty()) {
            throw new IllegalArgumentException("no training sequences");
        }
        Engine engine = base.getEngine();
        engine.setRandomSeed((int) settings.seed());
        Map<String, NDArray> params = model.trainableParameters();
        if (params.isEmpty()) {
            throw new IllegalArgumentException("the model has nothing trainable");
        }
        int vocabulary = model.config().vocabularySize();
        Optimizer adamW = Optimizer.adamW()
                .optLearningRateTracker(new Schedule(settings))
                .optWeightDecays(settings.weightDecay())
                .optClipGrad(1f)
                .build();
        SplittableRandom order = new SplittableRandom(settings.seed());
        long started = System.nanoTime();
        long tokens = 0;
        for (int step = 1; step <= settings.steps(); step++) {
            List<Sequence> batch = new ArrayList<>(settings.batch());
            for (int i = 0; i < settings.batch(); i++) {
                batch.add(data.get(order.nextInt(data.size())));
            }
            float loss;
            try (NDManager m = base.newSubManager()) {
                Batch b = Batch.of(m, batch, vocabulary);
                tokens += b.tokens;
                try (GradientCollector gc = engine.newGradientCollector()) {
                    // right padding under a causal mask: no real token sees padding, so no attention mask is needed
                    NDArray logp = model.logits(b.inputs, ForwardMode.TRAINING).logSoftmax(-1);
                    NDArray picked = logp.mul(b.targets).sum(new int[] {-1});
                    NDArray l = picked.mul(b.mask).sum().div(b.mask.sum()).neg();
                    gc.backward(l);
                    loss = l.getFloat();
                }
                for (Map.Entry<String, NDArray> e : params.entrySet()) {
                    NDArray grad = e.getValue().getGradient();
                    adamW.update(e.getKey(), e.getValue(), grad);
                    grad.subi(grad); // PyTorch adds every backward pass to the gradient: start the next step at zero
                    grad.close();
                }
            }
            if (!Float.isFinite(loss)) {
                throw new Diverged("training diverged at step " + step + " (loss " + loss + ")");
            }
            progress.accept(new StepReport(step, settings.steps(), loss, tokens,
                    (System.nanoTime() - started) / 1_000_000));
        }
    }

    /** Inputs, one-hot targets and the loss mask of one batch, right-padded. */
    private record Batch(NDArray inputs, NDArray targets, NDArray mask, long tokens) {
        static Batch of(NDManager m, List<Sequence> seqs, int vocabulary) {
            int len = 0;
            for (Sequence s : seqs) {
                len = Math.max(len, s.ids().length - 1);
            }
            long[] in = new long[seqs.size() * len];
            float[] tg = new float[seqs.size() * len * vocabulary]; // one-hot (PyTorch's oneHot is not in DJL)
            float[] mk = new float[seqs.size() * len];
            long tokens = 0;
            for (int b = 0; b < seqs.size(); b++) {
                long[] ids = seqs.get(b).ids();
                for (int t = 0; t < len; t++) {
                    boolean real = t + 1 < ids.length;
                    in[b * len + t] = real ? ids[t] : 0;
                    if (real) {
                        tg[(b * len + t) * vocabulary + (int) ids[t + 1]] = 1f;
                    }
                    mk[b * len + t] = real && t + 1 >= seqs.get(b).firstTrained() ? 1f : 0f;
                }
                tokens += ids.length;
            }
            return new Batch(m.create(in, new Shape(seqs.size(), len)),
                    m.create(tg, new Shape(seqs.size(), len, vocabulary)),
                    m.create(mk, new Shape(seqs.size(), len)), tokens);
        }
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
        LOG.debug("wrote {}", out);
    }

    /** Linear warm-up, then cosine decay to a tenth of the peak. */
    private record Schedule(Settings s) implements Tracker {
        @Override
        public float getNewValue(int numUpdate) {
            int warm = Math.max(1, s.steps() / 20);
            if (numUpdate < warm) {
                return s.learningRate() * (numUpdate + 1) / warm;
            }
            double progress = Math.min(1, (numUpdate - warm) / (double) Math.max(1, s.steps() - warm));
            return (float) (s.learningRate() * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress))));
        }
    }
}

package dev.deliberate.adapt.reasoner;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.GgufTensorReader;
import dev.deliberate.gguf.GgufValue;
import dev.deliberate.gguf.GgufWriter;
import dev.deliberate.testmodel.TestModelSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal full-parameter training loop for the small Qwen2 test models, on DJL's PyTorch engine: the decoder
 * (RMSNorm, rotary attention in llama.cpp's NEOX layout with q/k/v biases, SwiGLU feed-forward) is written on
 * NDArrays, trained with AdamW on the completion tokens (thinking, {@code </think>}, answer and end of sentence; the
 * prompt is masked) and written back as an F32 GGUF that llama.cpp loads.
 *
 * <p><b>Written for the trained test-model preset only</b>: the project's general trainer (LoRA and full-parameter,
 * checkpoints, budgets) lives in {@code dev.deliberate.adapt.train}. This loop has none of that; it exists so the
 * preset does not depend on it, and it supports only what the preset needs: F32 weights, key/value heads equal to
 * heads, sequences shorter than {@value #MAX_SEQUENCE} tokens.
 *
 * <p>Deterministic for a fixed seed on one machine (batch order from a seeded generator, the engine's seed set);
 * PyTorch's CPU kernels may differ in the last bits between CPUs.
 */
final class TinyTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(TinyTrainer.class);
    static final int MAX_SEQUENCE = 256;
    private static final float EPS = 1e-6f;
    private static final float ROPE_BASE = 10000f;

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

    private final TestModelSpec spec;
    private final int h;
    private final int heads;
    private final int headSize;
    private final int v;

    TinyTrainer(TestModelSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        if (spec.kvHeads() != spec.heads()) {
            throw new IllegalArgumentException("the tiny trainer needs as many key/value heads as heads: " + spec);
        }
        this.h = spec.hiddenSize();
        this.heads = spec.heads();
        this.headSize = spec.headSize();
        this.v = spec.vocabularySize();
    }

    /**
     * Trains the model in {@code init} (a GGUF with this spec's tensors, e.g. the generator's random init) on the
     * sequences and writes the result to {@code out} with {@code init}'s metadata, {@code general.name} and
     * {@code general.description} replaced.
     */
    void train(Path init, List<Sequence> data, Settings settings, String name, String description, Path out,
            Consumer<StepReport> progress) throws IOException {
        if (data.isEmpty()) {
            throw new IllegalArgumentException("no training sequences");
        }
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed((int) settings.seed());
        GgufFile header = GgufFile.read(init);
        try (NDManager base = engine.newBaseManager()) {
            Map<String, NDArray> params = load(base, init, header);
            params.values().forEach(p -> p.setRequiresGradient(true));
            Constants c = new Constants(base);
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
                    Batch b = Batch.of(m, batch, v);
                    tokens += b.tokens;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        NDArray logits = forward(m, params, c, b.inputs);
                        NDArray logp = logits.logSoftmax(-1);
                        NDArray picked = logp.mul(b.targets).sum(new int[] {-1});
                        NDArray l = picked.mul(b.mask).sum().div(b.mask.sum()).neg();
                        gc.backward(l);
                        loss = l.getFloat();
                    }
                    for (Map.Entry<String, NDArray> e : params.entrySet()) {
                        NDArray grad = e.getValue().getGradient();
                        adamW.update(e.getKey(), e.getValue(), grad);
                        grad.close();
                    }
                }
                if (!Float.isFinite(loss)) {
                    throw new IllegalStateException("training diverged at step " + step + " (loss " + loss + ")");
                }
                progress.accept(new StepReport(step, settings.steps(), loss, tokens,
                        (System.nanoTime() - started) / 1_000_000));
            }
            write(header, params, name, description, out);
        }
    }

    /** Rotary tables and the causal mask, shared by every step. */
    private final class Constants {
        final NDArray cos;
        final NDArray sin;
        final NDArray mask;

        Constants(NDManager m) {
            int half = headSize / 2;
            float[] cs = new float[MAX_SEQUENCE * headSize];
            float[] sn = new float[MAX_SEQUENCE * headSize];
            for (int p = 0; p < MAX_SEQUENCE; p++) {
                for (int i = 0; i < half; i++) {
                    double theta = p * Math.pow(ROPE_BASE, -2.0 * i / headSize);
                    cs[p * headSize + i] = cs[p * headSize + i + half] = (float) Math.cos(theta);
                    sn[p * headSize + i] = sn[p * headSize + i + half] = (float) Math.sin(theta);
                }
            }
            cos = m.create(cs, new Shape(MAX_SEQUENCE, headSize));
            sin = m.create(sn, new Shape(MAX_SEQUENCE, headSize));
            float[] mk = new float[MAX_SEQUENCE * MAX_SEQUENCE];
            for (int i = 0; i < MAX_SEQUENCE; i++) {
                for (int j = i + 1; j < MAX_SEQUENCE; j++) {
                    mk[i * MAX_SEQUENCE + j] = -1e9f;
                }
            }
            mask = m.create(mk, new Shape(MAX_SEQUENCE, MAX_SEQUENCE));
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
            NDArray inputs = m.create(in, new Shape(seqs.size(), len));
            NDArray targets = m.create(tg, new Shape(seqs.size(), len, vocabulary));
            return new Batch(inputs, targets, m.create(mk, new Shape(seqs.size(), len)), tokens);
        }
    }

    /** Logits (B, T, V) of a batch of token ids (B, T). */
    private NDArray forward(NDManager m, Map<String, NDArray> p, Constants c, NDArray ids) {
        long batch = ids.getShape().get(0);
        long t = ids.getShape().get(1);
        NDArray x = p.get("token_embd.weight").get(m, new NDIndex("{}", ids.flatten())).reshape(batch, t, h);
        NDArray cos = c.cos.get(m, new NDIndex(":{}", t));
        NDArray sin = c.sin.get(m, new NDIndex(":{}", t));
        NDArray mask = c.mask.get(m, new NDIndex(":{}, :{}", t, t));
        float scale = (float) (1 / Math.sqrt(headSize));
        for (int i = 0; i < spec.layers(); i++) {
            String b = "blk." + i + ".";
            NDArray n = rms(x, p.get(b + "attn_norm.weight"));
            NDArray q = heads(n.matMul(p.get(b + "attn_q.weight")).add(p.get(b + "attn_q.bias")), batch, t);
            NDArray k = heads(n.matMul(p.get(b + "attn_k.weight")).add(p.get(b + "attn_k.bias")), batch, t);
            NDArray vv = heads(n.matMul(p.get(b + "attn_v.weight")).add(p.get(b + "attn_v.bias")), batch, t);
            q = rope(q, cos, sin);
            k = rope(k, cos, sin);
            NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(mask).softmax(-1).matMul(vv);
            att = att.transpose(0, 2, 1, 3).reshape(batch, t, h);
            x = x.add(att.matMul(p.get(b + "attn_output.weight")));
            n = rms(x, p.get(b + "ffn_norm.weight"));
            NDArray gate = n.matMul(p.get(b + "ffn_gate.weight"));
            NDArray up = n.matMul(p.get(b + "ffn_up.weight"));
            NDArray act = gate.mul(gate.neg().exp().add(1).pow(-1)); // SiLU
            x = x.add(act.mul(up).matMul(p.get(b + "ffn_down.weight")));
        }
        return rms(x, p.get("output_norm.weight")).matMul(p.get("output.weight"));
    }

    private NDArray heads(NDArray x, long batch, long t) {
        return x.reshape(batch, t, heads, headSize).transpose(0, 2, 1, 3);
    }

    private NDArray rope(NDArray x, NDArray cos, NDArray sin) {
        int half = headSize / 2;
        NDArray x1 = x.get("..., :" + half);
        NDArray x2 = x.get("..., " + half + ":");
        NDArray rotated = x2.neg().concat(x1, -1);
        return x.mul(cos).add(rotated.mul(sin));
    }

    private static NDArray rms(NDArray x, NDArray weight) {
        return x.div(x.square().mean(new int[] {-1}, true).add(EPS).sqrt()).mul(weight);
    }

    /**
     * Reads the tensors. Matrices are kept as {@code (in, out)}, the transpose of ggml's row layout, so that every
     * product is {@code activations.matMul(weight)} and its result belongs to the activations' (per-step) manager.
     */
    private Map<String, NDArray> load(NDManager m, Path init, GgufFile header) throws IOException {
        Map<String, NDArray> params = new LinkedHashMap<>();
        try (GgufTensorReader reader = GgufTensorReader.open(init, header)) {
            for (GgufTensorInfo info : header.tensors()) {
                float[] data = reader.readFloats(info);
                List<Long> dims = info.shape();
                NDArray a;
                if (dims.size() == 1) {
                    a = m.create(data, new Shape(dims.get(0)));
                } else if (info.name().equals("token_embd.weight")) {
                    a = m.create(data, new Shape(dims.get(1), dims.get(0))); // (vocabulary, hidden): rows are looked up
                } else {
                    NDArray rows = m.create(data, new Shape(dims.get(1), dims.get(0)));
                    a = rows.transpose().duplicate();
                    rows.close();
                }
                params.put(info.name(), a);
            }
        }
        return params;
    }

    private void write(GgufFile header, Map<String, NDArray> params, String name, String description, Path out)
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
            NDArray a = params.get(info.name());
            float[] data;
            if (info.shape().size() == 1 || info.name().equals("token_embd.weight")) {
                data = a.toFloatArray();
            } else {
                try (NDArray rows = a.transpose().duplicate()) {
                    data = rows.toFloatArray();
                }
            }
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

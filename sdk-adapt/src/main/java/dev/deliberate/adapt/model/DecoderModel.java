package dev.deliberate.adapt.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.GgufTensorReader;
import dev.deliberate.gguf.UnsupportedTensorTypeException;
import dev.deliberate.gguf.lora.LoraAdapter;
import dev.deliberate.gguf.lora.LoraMismatchException;
import dev.deliberate.gguf.lora.LoraProvenance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A Qwen2/LLaMA decoder on DJL NDArrays, loaded from a GGUF file, computing what llama.cpp computes for the same
 * architecture: token embedding; per block RMSNorm, q/k/v projections (with biases when the file has them), rotary
 * position embedding in the architecture's {@link RopeStyle}, grouped-query causal attention, output projection,
 * RMSNorm and a SwiGLU feed-forward network; final RMSNorm and the output head (tied to {@code token_embd.weight}
 * when the file has no {@code output.weight}). Optional {@linkplain #addLora LoRA} adapters add
 * {@code (alpha / rank) * B (A dropout(x))} to targeted projections.
 *
 * <pre>{@code
 * try (NDManager root = NDManager.newBaseManager();
 *      DecoderModel model = DecoderModel.load(Path.of("model.gguf"), root)) {
 *     try (NDManager step = root.newSubManager()) {
 *         NDArray ids = step.create(new long[][] {{1, 42, 7}});
 *         NDArray logits = model.logits(ids, ForwardMode.INFERENCE);   // [1, 3, vocab], in step
 *     }
 * }
 * }</pre>
 *
 * <p>Weights are dequantized to F32 on load and held in PyTorch layout: a GGUF matrix of shape {@code [in, out]}
 * is an NDArray of shape {@code (out, in)}. They live in a sub-manager of the manager given to {@link #load}, closed
 * by {@link #close()}. A forward pass allocates only in sub-managers of the manager that owns its token ids.
 *
 * <p>For training, choose what records gradients with {@link #setTrainable} and run {@link #logits} with
 * {@link ForwardMode#TRAINING} inside a {@code GradientCollector}; {@link #trainableParameters()} are the arrays to
 * update. Not thread-safe.
 */
public final class DecoderModel implements AutoCloseable {

    /** Added to the attention scores of masked positions; finite so that a fully masked row stays finite. */
    private static final float MASKED = -1e30f;

    private final ModelConfig config;
    private final String source;
    private final NDManager manager;
    private final Map<String, NDArray> weights;
    private final NDArray tokenEmbedding;
    private final NDArray outputHead;
    private final NDArray inverseFrequencies;
    // Scalars of the forward pass as arrays that live as long as the model. DJL's Number overloads (mul(float),
    // pow(float), ...) wrap the number in a temporary array over a direct buffer and close it right after the
    // operation; autograd keeps that array for the backward pass, so once the garbage collector frees the buffer the
    // gradients are computed from whatever the memory holds then (non-finite gradients, same-seed runs that
    // differ). Every scalar an operation that records gradients can see is therefore one of these.
    private final NDArray attentionScale;
    private final NDArray rmsEpsilon;
    private final NDArray minusOne;
    private final Map<String, LoraWeights> lora = new LinkedHashMap<>();
    private LoraConfig loraConfig;
    /** {@code loraConfig.scale()} as an array (see above); present exactly when an adapter is. */
    private NDArray loraScale;
    private Trainable trainable = Trainable.NONE;

    private DecoderModel(ModelConfig config, String source, NDManager manager, Map<String, NDArray> weights) {
        this.config = config;
        this.source = source;
        this.manager = manager;
        this.weights = Collections.unmodifiableMap(weights);
        this.tokenEmbedding = weights.get("token_embd.weight");
        this.outputHead = weights.getOrDefault("output.weight", tokenEmbedding);
        int half = config.headSize() / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            inv[i] = (float) Math.pow(config.ropeFreqBase(), -2.0 * i / config.headSize());
        }
        this.inverseFrequencies = manager.create(inv);
        this.attentionScale = manager.create((float) (1 / Math.sqrt(config.headSize())));
        this.rmsEpsilon = manager.create(config.rmsEpsilon());
        this.minusOne = manager.create(-1f);
    }

    /**
     * Loads a model with the configuration its metadata gives.
     *
     * @param gguf   the GGUF file
     * @param parent the manager under which the weights are allocated (in a sub-manager)
     * @return the model; close it to free the weights
     * @throws UnsupportedModelException if the architecture, a tensor type or a shape is not supported
     * @throws IOException               if the file cannot be read
     */
    public static DecoderModel load(Path gguf, NDManager parent) throws IOException {
        GgufFile header = GgufFile.read(gguf);
        return load(gguf, header, ModelConfig.fromGguf(header), parent);
    }

    /**
     * Loads a model with a given configuration, which must fit the file's tensors (for example
     * {@link ModelConfig#withRopeStyle} of the one its metadata gives).
     *
     * @param gguf   the GGUF file
     * @param header its header
     * @param config the configuration
     * @param parent the manager under which the weights are allocated (in a sub-manager)
     * @return the model; close it to free the weights
     * @throws UnsupportedModelException if a tensor is missing, of an unsupported type or of the wrong shape
     * @throws IOException               if the file cannot be read
     */
    public static DecoderModel load(Path gguf, GgufFile header, ModelConfig config, NDManager parent)
            throws IOException {
        Objects.requireNonNull(config, "config");
        NDManager m = parent.newSubManager();
        boolean ok = false;
        try (GgufTensorReader reader = GgufTensorReader.open(gguf, header)) {
            int h = config.hiddenSize();
            int kv = config.kvSize();
            int f = config.feedForwardSize();
            Map<String, NDArray> w = new LinkedHashMap<>();
            TensorLoader load = new TensorLoader(reader, header, m, w);
            load.required("token_embd.weight", h, config.vocabularySize());
            for (int i = 0; i < config.layers(); i++) {
                String p = "blk." + i + ".";
                load.required(p + "attn_norm.weight", h);
                load.required(p + "attn_q.weight", h, h);
                load.optional(p + "attn_q.bias", h);
                load.required(p + "attn_k.weight", h, kv);
                load.optional(p + "attn_k.bias", kv);
                load.required(p + "attn_v.weight", h, kv);
                load.optional(p + "attn_v.bias", kv);
                load.required(p + "attn_output.weight", h, h);
                load.required(p + "ffn_norm.weight", h);
                load.required(p + "ffn_gate.weight", h, f);
                load.required(p + "ffn_up.weight", h, f);
                load.required(p + "ffn_down.weight", f, h);
            }
            load.required("output_norm.weight", h);
            load.optional("output.weight", h, config.vocabularySize());
            DecoderModel model = new DecoderModel(config, header.source(), m, w);
            ok = true;
            return model;
        } finally {
            if (!ok) {
                m.close();
            }
        }
    }

    /** Reads tensors, checks their shapes, creates NDArrays in PyTorch layout. */
    private record TensorLoader(GgufTensorReader reader, GgufFile header, NDManager manager,
            Map<String, NDArray> into) {

        void required(String name, long... ggmlShape) throws IOException {
            if (!optional(name, ggmlShape)) {
                throw new UnsupportedModelException(header.source() + " lacks the tensor " + name + " that a "
                        + header.architecture().orElse("?") + " decoder needs");
            }
        }

        boolean optional(String name, long... ggmlShape) throws IOException {
            Optional<GgufTensorInfo> t = header.tensor(name);
            if (t.isEmpty()) {
                return false;
            }
            List<Long> expected = new ArrayList<>();
            for (long d : ggmlShape) {
                expected.add(d);
            }
            if (!t.get().shape().equals(expected)) {
                throw new UnsupportedModelException(header.source() + ": tensor " + name + " has shape "
                        + t.get().shape() + " but the metadata implies " + expected);
            }
            float[] values;
            try {
                values = reader.readFloats(t.get());
            } catch (UnsupportedTensorTypeException e) {
                throw new UnsupportedModelException(header.source() + ": " + e.getMessage(), e);
            }
            long[] torch = new long[ggmlShape.length];
            for (int i = 0; i < ggmlShape.length; i++) {
                torch[i] = ggmlShape[ggmlShape.length - 1 - i];
            }
            NDArray a = manager.create(values, new Shape(torch));
            a.setName(name);
            into.put(name, a);
            return true;
        }
    }

    /** @return the configuration */
    public ModelConfig config() {
        return config;
    }

    /**
     * @return the base weights by GGUF tensor name, in PyTorch layout ({@code (out, in)} for matrices), so that
     *         {@code toFloatArray()} gives the values in ggml order, ready for {@code GgufWriter}; the output head
     *         is absent when it is tied to {@code token_embd.weight}
     */
    public Map<String, NDArray> weights() {
        return weights;
    }

    /** @return the number of base weights held (4 bytes each), without any adapter */
    public long parameterCount() {
        long n = 0;
        for (NDArray w : weights.values()) {
            n += w.size();
        }
        return n;
    }

    /** @return whether the output head shares {@code token_embd.weight} */
    public boolean tiedOutput() {
        return outputHead == tokenEmbedding;
    }

    /**
     * Adds LoRA matrices to the targeted projections of every block: {@code A} uniform in
     * {@code [-1/sqrt(in), 1/sqrt(in)]} (PEFT's default) from {@code seed}, {@code B} zeros. Replaces any adapter
     * added before.
     *
     * @param config rank, alpha, dropout and targets
     * @param seed   the same seed gives the same {@code A}
     */
    public void addLora(LoraConfig config, long seed) {
        Objects.requireNonNull(config, "config");
        clearLora();
        int index = 0;
        for (int layer = 0; layer < this.config.layers(); layer++) {
            for (LoraTarget target : LoraTarget.values()) {
                if (!config.targets().contains(target)) {
                    index++;
                    continue;
                }
                String name = target.weightName(layer);
                Shape w = weights.get(name).getShape();
                int out = Math.toIntExact(w.get(0));
                int in = Math.toIntExact(w.get(1));
                SplittableRandom rnd = new SplittableRandom(seed * 0x9E37_79B9_7F4A_7C15L + index++);
                float bound = (float) (1 / Math.sqrt(in));
                float[] a = new float[config.rank() * in];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) rnd.nextDouble(-bound, bound);
                }
                putLora(name, a, new float[out * config.rank()], config.rank());
            }
        }
        useLora(config);
    }

    /**
     * Sets LoRA matrices from values. Replaces any adapter added before.
     *
     * @param config  rank, alpha, dropout and the targets present in {@code matrices}
     * @param matrices per base weight name ({@code blk.0.attn_q.weight}), {@code A} as {@code rank} rows of
     *                 {@code in} values and {@code B} as {@code out} rows of {@code rank} values
     * @throws IllegalArgumentException if a name is not a targeted projection or a length does not fit
     */
    private void setLora(LoraConfig config, Map<String, float[][]> matrices) {
        Objects.requireNonNull(config, "config");
        clearLora();
        for (Map.Entry<String, float[][]> e : matrices.entrySet()) {
            NDArray w = weights.get(e.getKey());
            if (w == null || targetOf(e.getKey()).filter(config.targets()::contains).isEmpty()) {
                clearLora();
                throw new IllegalArgumentException(e.getKey() + " is not a projection targeted by " + config);
            }
            long out = w.getShape().get(0);
            long in = w.getShape().get(1);
            float[] a = e.getValue()[0];
            float[] b = e.getValue()[1];
            if (a.length != config.rank() * in || b.length != config.rank() * out) {
                clearLora();
                throw new IllegalArgumentException("LoRA for " + e.getKey() + " needs A of " + config.rank()
                        + " x " + in + " and B of " + out + " x " + config.rank() + " values, not " + a.length
                        + " and " + b.length);
            }
            putLora(e.getKey(), a, b, config.rank());
        }
        useLora(config);
    }

    /**
     * Sets this model's adapter from a LoRA adapter in Deliberate's GGUF representation (for example one read
     * with {@link LoraAdapter#read}), so that the forward pass computes what llama.cpp computes with
     * {@code --lora FILE}. Replaces any adapter added before. An adapter with alpha 0 (llama.cpp: scale 1) becomes
     * alpha = rank.
     *
     * @param adapter the adapter
     * @param dropout LoRA dropout to use when training it further, in {@code [0, 1)}
     * @throws LoraMismatchException if the adapter was made for another architecture, or adapts a tensor that is
     *                               not a projection of this model or has other dimensions
     */
    public void setLora(LoraAdapter adapter, float dropout) {
        Objects.requireNonNull(adapter, "adapter");
        String arch = config.architecture().ggufName();
        if (!adapter.architecture().equals(arch)) {
            throw new LoraMismatchException("adapter", source, null, "the adapter is for "
                    + adapter.architecture() + ", the model is " + arch);
        }
        EnumSet<LoraTarget> targets = EnumSet.noneOf(LoraTarget.class);
        Map<String, float[][]> matrices = new LinkedHashMap<>();
        for (Map.Entry<String, dev.deliberate.gguf.lora.LoraWeights> e : adapter.weights().entrySet()) {
            String name = e.getKey();
            LoraTarget target = targetOf(name).orElseThrow(() -> new LoraMismatchException("adapter", source, name,
                    "not a projection this model adapts (supported: blk.N." + LoraTarget.stems() + ".weight)"));
            NDArray w = weights.get(name);
            dev.deliberate.gguf.lora.LoraWeights f = e.getValue();
            if (w == null || w.getShape().get(1) != f.in() || w.getShape().get(0) != f.out()) {
                throw new LoraMismatchException("adapter", source, name, w == null ? "the model has no such tensor"
                        : "adapter is [" + f.in() + ", " + f.out() + "], the model's weight is ["
                                + w.getShape().get(1) + ", " + w.getShape().get(0) + "]");
            }
            targets.add(target);
            matrices.put(name, new float[][] {f.a(), f.b()});
        }
        if (targets.isEmpty()) {
            throw new LoraMismatchException("adapter", source, null, "the adapter adapts no tensor");
        }
        float alpha = adapter.alpha() == 0f ? adapter.rank() : adapter.alpha();
        setLora(new LoraConfig(adapter.rank(), alpha, dropout, targets), matrices);
    }

    /**
     * The current adapter in Deliberate's GGUF representation, to write with {@link LoraAdapter#write} for
     * llama.cpp.
     *
     * @param provenance where it came from (base model hash, training description)
     * @return the adapter
     * @throws IllegalStateException if the model has no adapter
     */
    public LoraAdapter toLoraAdapter(LoraProvenance provenance) {
        if (loraConfig == null) {
            throw new IllegalStateException("the model has no LoRA adapter");
        }
        Map<String, dev.deliberate.gguf.lora.LoraWeights> out = new LinkedHashMap<>();
        int r = loraConfig.rank();
        for (Map.Entry<String, LoraWeights> e : lora.entrySet()) {
            Shape w = weights.get(e.getKey()).getShape();
            out.put(e.getKey(), new dev.deliberate.gguf.lora.LoraWeights(Math.toIntExact(w.get(1)),
                    Math.toIntExact(w.get(0)), r, e.getValue().a().toFloatArray(), e.getValue().b().toFloatArray()));
        }
        return new LoraAdapter(config.architecture().ggufName(), loraConfig.alpha(), r, out, provenance);
    }

    private static Optional<LoraTarget> targetOf(String name) {
        for (LoraTarget t : LoraTarget.values()) {
            String suffix = "." + t.tensorStem() + ".weight";
            if (name.startsWith("blk.") && name.endsWith(suffix)) {
                String layer = name.substring(4, name.length() - suffix.length());
                if (!layer.isEmpty() && layer.chars().allMatch(Character::isDigit)) {
                    return Optional.of(t);
                }
            }
        }
        return Optional.empty();
    }

    private void putLora(String name, float[] a, float[] b, int rank) {
        long out = weights.get(name).getShape().get(0);
        long in = weights.get(name).getShape().get(1);
        NDArray na = manager.create(a, new Shape(rank, in));
        na.setName(name + ".lora_a");
        NDArray nb = manager.create(b, new Shape(out, rank));
        nb.setName(name + ".lora_b");
        lora.put(name, new LoraWeights(na, nb));
    }

    /** Records the settings of the adapter just put in place. */
    private void useLora(LoraConfig config) {
        this.loraConfig = config;
        this.loraScale = manager.create(config.scale());
        setTrainable(trainable);
    }

    /** Removes the LoRA adapter, if any, and frees its arrays. */
    public void clearLora() {
        for (LoraWeights w : lora.values()) {
            w.a().close();
            w.b().close();
        }
        lora.clear();
        loraConfig = null;
        if (loraScale != null) {
            loraScale.close();
            loraScale = null;
        }
    }

    /** @return the LoRA settings, if an adapter is present */
    public Optional<LoraConfig> loraConfig() {
        return Optional.ofNullable(loraConfig);
    }

    /**
     * @return the LoRA matrices by base weight name ({@code blk.0.attn_q.weight}), {@code A} of shape
     *         {@code (rank, in)} and {@code B} of shape {@code (out, rank)}; empty without an adapter
     */
    public Map<String, LoraWeights> lora() {
        return Collections.unmodifiableMap(lora);
    }

    /**
     * Chooses which arrays record gradients (kept when an adapter is added later).
     *
     * @param trainable nothing, the LoRA matrices only, or every weight
     */
    public void setTrainable(Trainable trainable) {
        this.trainable = Objects.requireNonNull(trainable, "trainable");
        for (NDArray w : weights.values()) {
            w.setRequiresGradient(trainable == Trainable.ALL);
        }
        for (LoraWeights w : lora.values()) {
            w.a().setRequiresGradient(trainable != Trainable.NONE);
            w.b().setRequiresGradient(trainable != Trainable.NONE);
        }
    }

    /** @return which arrays record gradients */
    public Trainable trainable() {
        return trainable;
    }

    /**
     * @return the arrays that record gradients, by name: base weights by GGUF name, LoRA matrices as
     *         {@code <base name>.lora_a} / {@code .lora_b}; in a stable order
     */
    public Map<String, NDArray> trainableParameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        if (trainable == Trainable.ALL) {
            out.putAll(weights);
        }
        if (trainable != Trainable.NONE) {
            for (LoraWeights w : lora.values()) {
                out.put(w.a().getName(), w.a());
                out.put(w.b().getName(), w.b());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The logits of every position of a batch of unpadded sequences of equal length.
     *
     * @param tokenIds integer array of shape {@code [batch, seq]}
     * @param mode     training (dropout, intermediates kept for backward) or inference
     * @return float array {@code [batch, seq, vocab]}, attached to the manager of {@code tokenIds}
     */
    public NDArray logits(NDArray tokenIds, ForwardMode mode) {
        return logits(tokenIds, null, mode);
    }

    /**
     * The logits of every position of a batch. With a mask, padding may be on either side: a token's position is
     * the number of real tokens before it, and no token attends to padding; the logits of padding positions are
     * meaningless.
     *
     * @param tokenIds integer array of shape {@code [batch, seq]}
     * @param mask     {@code null}, or an array of shape {@code [batch, seq]} with 1 for real tokens and 0 for
     *                 padding
     * @param mode     training (dropout, intermediates kept for backward) or inference
     * @return float array {@code [batch, seq, vocab]}, attached to the manager of {@code tokenIds}
     * @throws IllegalArgumentException if the shapes do not fit, an id is outside the vocabulary or the sequence
     *                                  exceeds the context length
     */
    public NDArray logits(NDArray tokenIds, NDArray mask, ForwardMode mode) {
        return forward(tokenIds, mask, mode, true);
    }

    /**
     * The final hidden states (after the output norm, before the output head), as {@link #logits} computes them:
     * what llama.cpp returns as embeddings.
     *
     * @param tokenIds integer array of shape {@code [batch, seq]}
     * @param mask     {@code null}, or 1 for real tokens and 0 for padding, shape {@code [batch, seq]}
     * @param mode     training or inference
     * @return float array {@code [batch, seq, hidden]}, attached to the manager of {@code tokenIds}
     */
    public NDArray hiddenStates(NDArray tokenIds, NDArray mask, ForwardMode mode) {
        return forward(tokenIds, mask, mode, false);
    }

    /**
     * Applies the output head to hidden states, for example only at the positions a loss uses, which saves the
     * {@code [batch, seq, vocab]} logits of {@link #logits} when the vocabulary is large.
     *
     * @param hidden float array {@code [..., hidden]} from {@link #hiddenStates}
     * @return logits {@code [..., vocab]}, attached to the manager of {@code hidden}
     */
    public NDArray outputHead(NDArray hidden) {
        return Linear.linear(hidden, outputHead).singletonOrThrow();
    }

    private NDArray forward(NDArray tokenIds, NDArray mask, ForwardMode mode, boolean head) {
        Objects.requireNonNull(mode, "mode");
        Shape shape = tokenIds.getShape();
        if (shape.dimension() != 2 || shape.get(0) < 1 || shape.get(1) < 1) {
            throw new IllegalArgumentException("token ids must have shape [batch, seq], not " + shape);
        }
        if (mask != null && !mask.getShape().equals(shape)) {
            throw new IllegalArgumentException("mask shape " + mask.getShape() + " differs from " + shape);
        }
        int batch = Math.toIntExact(shape.get(0));
        int seq = Math.toIntExact(shape.get(1));
        if (seq > config.contextLength()) {
            throw new IllegalArgumentException("sequence of " + seq + " tokens exceeds the context length "
                    + config.contextLength());
        }
        NDManager caller = tokenIds.getManager();
        NDManager work = caller.newSubManager();
        boolean training = mode == ForwardMode.TRAINING;
        try {
            NDArray ids = own(tokenIds.toType(DataType.INT64, true), work);
            long min = own(ids.min(), work).getLong();
            long max = own(ids.max(), work).getLong();
            if (min < 0 || max >= config.vocabularySize()) {
                throw new IllegalArgumentException("token ids must be in [0, " + config.vocabularySize()
                        + "), not " + (min < 0 ? min : max));
            }
            NDArray x = Embedding.embedding(ids, tokenEmbedding, SparseFormat.DENSE).singletonOrThrow();
            own(x, work);
            Rotation rot = rotation(work, mask, batch, seq);
            NDArray bias = attentionBias(work, mask, batch, seq);
            for (int layer = 0; layer < config.layers(); layer++) {
                if (training) {
                    x = block(layer, x, rot, bias, true);
                } else {
                    try (NDManager step = work.newSubManager()) {
                        own(x, step);
                        NDArray next = block(layer, x, rot, bias, false);
                        x = own(next, work);
                    }
                }
            }
            NDArray out = rmsNorm(x, weights.get("output_norm.weight"));
            if (head) {
                out = Linear.linear(out, outputHead).singletonOrThrow();
            }
            out.attach(caller);
            return out;
        } catch (RuntimeException e) {
            work.close();
            throw e;
        } finally {
            if (!training) {
                work.close();
            }
        }
    }

    private static NDArray own(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }

    /** cos and sin of each token's position times each frequency, shape [batch or 1, seq, 1, half]. */
    private record Rotation(NDArray cos, NDArray sin) {}

    private Rotation rotation(NDManager work, NDArray mask, int batch, int seq) {
        NDArray positions;
        if (mask == null) {
            positions = work.arange(0f, seq, 1f, DataType.FLOAT32).reshape(1, seq);
        } else {
            NDArray m = own(mask.toType(DataType.FLOAT32, true), work);
            positions = m.cumSum(1).sub(1f).clip(0f, Float.MAX_VALUE);
        }
        NDArray angles = positions.expandDims(-1).mul(inverseFrequencies).expandDims(2);
        return new Rotation(angles.cos(), angles.sin());
    }

    /** 0 where a query may attend a key, {@link #MASKED} elsewhere; shape [batch or 1, 1, 1, seq, seq]. */
    private static NDArray attentionBias(NDManager work, NDArray mask, int batch, int seq) {
        float[] causal = new float[seq * seq];
        for (int i = 0; i < seq; i++) {
            for (int j = i + 1; j < seq; j++) {
                causal[i * seq + j] = MASKED;
            }
        }
        NDArray bias = work.create(causal, new Shape(1, 1, 1, seq, seq));
        if (mask == null) {
            return bias;
        }
        NDArray keys = own(mask.toType(DataType.FLOAT32, true), work).sub(1f).mul(-MASKED)
                .reshape(batch, 1, 1, 1, seq);
        return keys.add(bias);
    }

    private NDArray block(int layer, NDArray x, Rotation rot, NDArray bias, boolean training) {
        String p = "blk." + layer + ".";
        int batch = Math.toIntExact(x.getShape().get(0));
        int seq = Math.toIntExact(x.getShape().get(1));
        int heads = config.heads();
        int kvHeads = config.kvHeads();
        int d = config.headSize();

        NDArray h = rmsNorm(x, weights.get(p + "attn_norm.weight"));
        NDArray q = project(h, LoraTarget.Q, layer, training).reshape(batch, seq, heads, d);
        NDArray k = project(h, LoraTarget.K, layer, training).reshape(batch, seq, kvHeads, d);
        NDArray v = project(h, LoraTarget.V, layer, training).reshape(batch, seq, kvHeads, d);
        q = rope(q, rot, batch, seq, heads);
        k = rope(k, rot, batch, seq, kvHeads);

        int group = heads / kvHeads;
        NDArray q5 = q.transpose(0, 2, 1, 3).reshape(batch, kvHeads, group, seq, d);
        NDArray k5 = k.transpose(0, 2, 3, 1).expandDims(2); // [b, kv, 1, d, seq]
        NDArray v5 = v.transpose(0, 2, 1, 3).expandDims(2); // [b, kv, 1, seq, d]
        NDArray scores = q5.matMul(k5).mul(attentionScale).add(bias);
        NDArray attended = scores.softmax(-1).matMul(v5) // [b, kv, group, seq, d]
                .reshape(batch, heads, seq, d).transpose(0, 2, 1, 3).reshape(batch, seq, heads * d);
        NDArray x1 = x.add(project(attended, LoraTarget.O, layer, training));

        NDArray h2 = rmsNorm(x1, weights.get(p + "ffn_norm.weight"));
        NDArray gate = project(h2, LoraTarget.GATE, layer, training);
        NDArray up = project(h2, LoraTarget.UP, layer, training);
        NDArray act = gate.mul(Activation.sigmoid(gate)).mul(up);
        return x1.add(project(act, LoraTarget.DOWN, layer, training));
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray inv = x.square().mean(new int[] {-1}, true).add(rmsEpsilon).sqrt().pow(minusOne);
        return x.mul(inv).mul(weight);
    }

    /** {@code x W^T + b}, plus the LoRA path when the projection is adapted. */
    private NDArray project(NDArray x, LoraTarget target, int layer, boolean training) {
        String name = target.weightName(layer);
        NDArray bias = weights.get(name.substring(0, name.length() - "weight".length()) + "bias");
        NDArray y = bias == null ? Linear.linear(x, weights.get(name)).singletonOrThrow()
                : Linear.linear(x, weights.get(name), bias).singletonOrThrow();
        LoraWeights adapter = lora.get(name);
        if (adapter == null) {
            return y;
        }
        NDArray in = x;
        if (training && loraConfig.dropout() > 0) {
            in = Dropout.dropout(x, loraConfig.dropout(), true).singletonOrThrow();
        }
        NDArray down = Linear.linear(in, adapter.a()).singletonOrThrow();
        NDArray delta = Linear.linear(down, adapter.b()).singletonOrThrow();
        return y.add(delta.mul(loraScale));
    }

    /** Rotates [batch, seq, heads, d] as llama.cpp's {@code ggml_rope_ext} does in this model's style. */
    private NDArray rope(NDArray x, Rotation rot, int batch, int seq, int heads) {
        int d = config.headSize();
        int half = d / 2;
        if (config.ropeStyle() == RopeStyle.NEOX) {
            NDArray x1 = x.get(new NDIndex(":, :, :, :" + half));
            NDArray x2 = x.get(new NDIndex(":, :, :, " + half + ":"));
            NDArray o1 = x1.mul(rot.cos()).sub(x2.mul(rot.sin()));
            NDArray o2 = x2.mul(rot.cos()).add(x1.mul(rot.sin()));
            return o1.concat(o2, -1);
        }
        NDArray pairs = x.reshape(batch, seq, heads, half, 2);
        NDArray x1 = pairs.get(new NDIndex(":, :, :, :, 0"));
        NDArray x2 = pairs.get(new NDIndex(":, :, :, :, 1"));
        NDArray o1 = x1.mul(rot.cos()).sub(x2.mul(rot.sin()));
        NDArray o2 = x2.mul(rot.cos()).add(x1.mul(rot.sin()));
        return NDArrays.stack(new NDList(o1, o2), -1).reshape(batch, seq, heads, d);
    }

    /** Frees the weights and any adapter. */
    @Override
    public void close() {
        lora.clear();
        manager.close();
    }
}

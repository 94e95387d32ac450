package dev.deliberate.adapt.train;

import dev.deliberate.adapt.model.LoraTarget;
import dev.deliberate.adapt.model.ModelConfig;
import java.util.Locale;

/**
 * What a training run will need in memory, estimated before any weight is loaded. Native memory (PyTorch's) holds the
 * weights dequantized to F32, the trainable parameters' gradients and AdamW moments, and the activations kept for the
 * backward pass of one micro-batch; the Java heap holds, while loading and checkpointing, the largest tensor as
 * floats. The activation term counts the intermediates the forward pass keeps per block (norms, projections,
 * rotations, attention scores and probabilities, the gated feed-forward) and the logits with their log-softmax and
 * gradient; it is an estimate, compared with measured peaks in {@code docs/benchmarks.md}.
 *
 * @param weightBytes      base weights as F32
 * @param trainableBytes   trainable parameters (LoRA matrices; in full training, the weights themselves, not counted
 *                         again)
 * @param gradientBytes    their gradients
 * @param optimizerBytes   AdamW's two moments
 * @param activationBytes  activations of one micro-batch of {@code batch x maxSequenceLength} tokens
 * @param heapBytes        Java heap needed for the largest tensor while loading and checkpointing
 */
public record MemoryEstimate(long weightBytes, long trainableBytes, long gradientBytes, long optimizerBytes,
        long activationBytes, long heapBytes) {

    private static final long MIB = 1L << 20;
    /** Floats per token and block the forward pass keeps, in units of the hidden size (see the class comment). */
    private static final int HIDDEN_TERMS = 20;
    private static final int KV_TERMS = 4;
    private static final int FFN_TERMS = 6;
    /** Attention scores, biased scores, probabilities: per head and pair of positions. */
    private static final int ATTENTION_TERMS = 3;
    /** Logits, log-softmax, and the gradient of the logits. */
    private static final int LOGIT_TERMS = 3;

    /** Native memory in total: weights, trainable parameters, gradients, moments and activations. */
    public long nativeBytes() {
        return weightBytes + trainableBytes + gradientBytes + optimizerBytes + activationBytes;
    }

    /**
     * Estimates a run.
     *
     * @param model     the base model's shape
     * @param tiedOutput whether the output head shares the token embedding
     * @param config    the training configuration (batch size, sequence length, LoRA rank and targets)
     */
    public static MemoryEstimate of(ModelConfig model, boolean tiedOutput, TrainingConfig config) {
        long h = model.hiddenSize();
        long kv = model.kvSize();
        long f = model.feedForwardSize();
        long v = model.vocabularySize();
        long layers = model.layers();
        long weights = 4 * model.parameterCount(true, tiedOutput); // with q/k/v biases: at most a few KiB more
        long trainable;
        if (config.mode() == TrainingMode.FULL) {
            trainable = 0;
        } else {
            long lora = 0;
            for (LoraTarget t : config.lora().targets()) {
                long[] io = inOut(t, h, kv, f);
                lora += config.lora().rank() * (io[0] + io[1]);
            }
            trainable = 4 * layers * lora;
        }
        long params = config.mode() == TrainingMode.FULL ? weights : trainable;
        long tokens = (long) config.batchSize() * config.maxSequenceLength();
        long seq = config.maxSequenceLength();
        long dropout = 0;
        if (config.mode() == TrainingMode.LORA) {
            for (LoraTarget t : config.lora().targets()) {
                long[] io = inOut(t, h, kv, f);
                dropout += (config.lora().dropout() > 0 ? io[0] : 0) + config.lora().rank() + io[1];
            }
        }
        long perToken = layers * (HIDDEN_TERMS * h + KV_TERMS * kv + FFN_TERMS * f + dropout) + LOGIT_TERMS * v;
        long attention = layers * ATTENTION_TERMS * model.heads() * (long) config.batchSize() * seq * seq;
        long activations = 4 * (tokens * perToken + attention);
        long largest = 4 * Math.max(v * h, Math.max(h * f, h * h));
        long heap = 2 * largest + 64 * MIB;
        return new MemoryEstimate(weights, trainable, params, 2 * params, activations, heap);
    }

    private static long[] inOut(LoraTarget t, long h, long kv, long f) {
        return switch (t) {
            case Q, O -> new long[] {h, h};
            case K, V -> new long[] {h, kv};
            case GATE, UP -> new long[] {h, f};
            case DOWN -> new long[] {f, h};
        };
    }

    /**
     * Refuses a run that does not fit.
     *
     * @throws MemoryLimitException the estimate exceeds the native or heap limit
     */
    public void check(MemoryLimit limit) {
        if (nativeBytes() > limit.nativeBytes() || heapBytes > limit.heapBytes()) {
            throw new MemoryLimitException(this, limit);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s native (weights %s, trainable %s, gradients %s, AdamW %s,"
                + " activations %s) and %s heap", mib(nativeBytes()), mib(weightBytes), mib(trainableBytes),
                mib(gradientBytes), mib(optimizerBytes), mib(activationBytes), mib(heapBytes));
    }

    static String mib(long bytes) {
        return bytes >= 10 * 1024 * MIB ? String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * MIB))
                : String.format(Locale.ROOT, "%d MiB", (bytes + MIB - 1) / MIB);
    }
}

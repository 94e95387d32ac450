package dev.deliberate.adapt.train;

import dev.deliberate.adapt.model.LoraConfig;
import java.util.Objects;

/**
 * Everything that decides a training run. The same configuration, data, base model and seed give the same weights,
 * byte for byte.
 *
 * <pre>{@code
 * TrainingConfig config = TrainingConfig.builder()
 *         .lora(LoraConfig.attention(8))
 *         .learningRate(2e-4f)
 *         .budget(TrainingBudget.steps(200).withTime(Duration.ofMinutes(10)))
 *         .build();
 * }</pre>
 *
 * @param mode                 LoRA adapters or every weight
 * @param lora                 rank, alpha, dropout and target projections (used in {@link TrainingMode#LORA})
 * @param learningRate         AdamW peak step size, reached after a linear warm-up; then constant or decaying
 *                             ({@code schedule})
 * @param warmupSteps          steps over which the learning rate rises linearly from 0
 * @param weightDecay          AdamW decoupled weight decay
 * @param beta1                AdamW first-moment decay
 * @param beta2                AdamW second-moment decay
 * @param epsilon              AdamW denominator term
 * @param batchSize            examples per micro-batch (one forward and backward pass)
 * @param gradientAccumulation micro-batches per optimizer step
 * @param maxGradNorm          clip the global gradient norm to this; 0 for no clipping
 * @param maxSequenceLength    the most tokens of one example; longer examples are refused
 * @param budget               when training stops
 * @param seed                 seeds the adapter initialisation, the example order and dropout
 * @param checkpointInterval   steps between checkpoints; 0 for a checkpoint only at the end
 * @param evalInterval         steps between held-out evaluations; 0 for evaluation only at the end
 * @param thinkingLoss         whether the loss covers the examples' thinking
 * @param threads              PyTorch intra-op threads, 0 for half the available processors (at least 1); does not
 *                             change the trained weights. More threads than idle cores make libtorch's spinning
 *                             worker threads fight for them: on a 2-core machine shared with other work, 1 thread
 *                             trained 20 times faster than 2 (docs/benchmarks.md)
 * @param schedule             the learning rate after the warm-up: constant, or a cosine decay over the step budget
 */
public record TrainingConfig(
        TrainingMode mode,
        LoraConfig lora,
        float learningRate,
        int warmupSteps,
        float weightDecay,
        float beta1,
        float beta2,
        float epsilon,
        int batchSize,
        int gradientAccumulation,
        float maxGradNorm,
        int maxSequenceLength,
        TrainingBudget budget,
        long seed,
        int checkpointInterval,
        int evalInterval,
        ThinkingLoss thinkingLoss,
        int threads,
        LearningRateSchedule schedule) {

    /** Checks every range. */
    public TrainingConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(lora, "lora");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(thinkingLoss, "thinkingLoss");
        Objects.requireNonNull(schedule, "schedule");
        if (schedule == LearningRateSchedule.COSINE && budget.steps().isEmpty()) {
            throw new IllegalArgumentException("a cosine learning-rate schedule needs a step budget to decay over");
        }
        positive("learning rate", learningRate);
        if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be >= 0: " + weightDecay);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1): " + beta1 + ", " + beta2);
        }
        positive("epsilon", epsilon);
        if (!(maxGradNorm >= 0) || Float.isInfinite(maxGradNorm)) {
            throw new IllegalArgumentException("max gradient norm must be >= 0 (0 = no clipping): " + maxGradNorm);
        }
        if (batchSize < 1 || gradientAccumulation < 1) {
            throw new IllegalArgumentException("batch size and gradient accumulation must be at least 1: "
                    + batchSize + ", " + gradientAccumulation);
        }
        if (maxSequenceLength < 2) {
            throw new IllegalArgumentException("max sequence length must be at least 2: " + maxSequenceLength);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0 = automatic): " + threads);
        }
        if (warmupSteps < 0 || checkpointInterval < 0 || evalInterval < 0) {
            throw new IllegalArgumentException("warm-up, checkpoint and evaluation intervals must be >= 0");
        }
    }

    private static void positive(String what, float v) {
        if (!(v > 0) || Float.isInfinite(v)) {
            throw new IllegalArgumentException(what + " must be positive and finite: " + v);
        }
    }

    /** The intra-op threads to use: {@link #threads()}, or half the available processors (at least 1) for 0. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** Examples per optimizer step. */
    public int examplesPerStep() {
        return batchSize * gradientAccumulation;
    }

    /**
     * The learning rate of a 1-based step: linear warm-up to the peak, then constant, or with
     * {@link LearningRateSchedule#COSINE} half a cosine down to {@link LearningRateSchedule#COSINE_FLOOR} of the
     * peak at the last budgeted step (and that floor after it, for a run resumed with more steps).
     */
    public float learningRateAt(long step) {
        if (warmupSteps > 0 && step < warmupSteps) {
            return learningRate * step / warmupSteps;
        }
        if (schedule == LearningRateSchedule.CONSTANT) {
            return learningRate;
        }
        long total = budget.steps().getAsLong();
        double progress = Math.min(1, (step - warmupSteps) / (double) Math.max(1, total - warmupSteps));
        double floor = LearningRateSchedule.COSINE_FLOOR;
        return (float) (learningRate * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress))));
    }

    /** A builder with the defaults: LoRA rank 8 on q/k/v/o, learning rate 2e-4, 100 steps, seed 42. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.mode = mode;
        b.lora = lora;
        b.learningRate = learningRate;
        b.warmupSteps = warmupSteps;
        b.weightDecay = weightDecay;
        b.beta1 = beta1;
        b.beta2 = beta2;
        b.epsilon = epsilon;
        b.batchSize = batchSize;
        b.gradientAccumulation = gradientAccumulation;
        b.maxGradNorm = maxGradNorm;
        b.maxSequenceLength = maxSequenceLength;
        b.budget = budget;
        b.seed = seed;
        b.checkpointInterval = checkpointInterval;
        b.evalInterval = evalInterval;
        b.thinkingLoss = thinkingLoss;
        b.threads = threads;
        b.schedule = schedule;
        return b;
    }

    /** Builds a {@link TrainingConfig}; every setter has a default. */
    public static final class Builder {
        private TrainingMode mode = TrainingMode.LORA;
        private LoraConfig lora = LoraConfig.attention(8);
        private float learningRate = 2e-4f;
        private LearningRateSchedule schedule = LearningRateSchedule.CONSTANT;
        private int warmupSteps;
        private float weightDecay = 0.0f;
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;
        private int batchSize = 1;
        private int gradientAccumulation = 1;
        private float maxGradNorm = 1.0f;
        private int maxSequenceLength = 512;
        private TrainingBudget budget = TrainingBudget.steps(100);
        private long seed = 42;
        private int checkpointInterval = 50;
        private int evalInterval;
        private ThinkingLoss thinkingLoss = ThinkingLoss.TRAIN;
        private int threads;

        private Builder() {
        }

        /** LoRA or full training (default LoRA). */
        public Builder mode(TrainingMode mode) {
            this.mode = mode;
            return this;
        }

        /** LoRA settings (default rank 8, alpha 16, no dropout, q/k/v/o). */
        public Builder lora(LoraConfig lora) {
            this.lora = lora;
            return this;
        }

        /** AdamW learning rate (default 2e-4). */
        public Builder learningRate(float learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /** Linear warm-up steps (default 0). */
        public Builder warmupSteps(int warmupSteps) {
            this.warmupSteps = warmupSteps;
            return this;
        }

        /** Decoupled weight decay (default 0). */
        public Builder weightDecay(float weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** AdamW betas (default 0.9, 0.999). */
        public Builder betas(float beta1, float beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        /** AdamW epsilon (default 1e-8). */
        public Builder epsilon(float epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /** Examples per micro-batch (default 1). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Micro-batches per optimizer step (default 1). */
        public Builder gradientAccumulation(int gradientAccumulation) {
            this.gradientAccumulation = gradientAccumulation;
            return this;
        }

        /** Global gradient-norm clip, 0 for none (default 1). */
        public Builder maxGradNorm(float maxGradNorm) {
            this.maxGradNorm = maxGradNorm;
            return this;
        }

        /** Most tokens per example (default 512). */
        public Builder maxSequenceLength(int maxSequenceLength) {
            this.maxSequenceLength = maxSequenceLength;
            return this;
        }

        /** When to stop (default 100 steps). */
        public Builder budget(TrainingBudget budget) {
            this.budget = budget;
            return this;
        }

        /** Seed (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Steps between checkpoints, 0 for only at the end (default 50). */
        public Builder checkpointInterval(int checkpointInterval) {
            this.checkpointInterval = checkpointInterval;
            return this;
        }

        /** Steps between held-out evaluations, 0 for only at the end (default 0). */
        public Builder evalInterval(int evalInterval) {
            this.evalInterval = evalInterval;
            return this;
        }

        /** Whether thinking is trained (default {@link ThinkingLoss#TRAIN}). */
        public Builder thinkingLoss(ThinkingLoss thinkingLoss) {
            this.thinkingLoss = thinkingLoss;
            return this;
        }

        /** How the learning rate moves after the warm-up (default {@link LearningRateSchedule#CONSTANT}). */
        public Builder schedule(LearningRateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** PyTorch intra-op threads, 0 for half the available processors (default 0). */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** The configuration; throws {@link IllegalArgumentException} for values out of range. */
        public TrainingConfig build() {
            return new TrainingConfig(mode, lora, learningRate, warmupSteps, weightDecay, beta1, beta2, epsilon,
                    batchSize, gradientAccumulation, maxGradNorm, maxSequenceLength, budget, seed,
                    checkpointInterval, evalInterval, thinkingLoss, threads, schedule);
        }
    }
}

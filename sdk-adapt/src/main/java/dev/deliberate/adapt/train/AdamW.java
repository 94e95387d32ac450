package dev.deliberate.adapt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter: Adam with decoupled weight decay) on NDArrays, with bias correction:
 * {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr (wd p + m^ / (sqrt(v^) + eps))}.
 *
 * <p>Its own rather than DJL's {@code ai.djl.training.optimizer.AdamW}: that one keeps its moments in private maps,
 * so a checkpoint could not save them and a resumed run would restart the moments from zero, which changes the
 * weights it produces. Here the moments are plain arrays that {@link Checkpoint} writes and reads back, and resume
 * is exact.
 */
final class AdamW implements AutoCloseable {

    private final NDManager manager;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final Map<String, NDArray> first = new LinkedHashMap<>();
    private final Map<String, NDArray> second = new LinkedHashMap<>();
    private long steps;

    AdamW(NDManager parent, TrainingConfig config) {
        this.manager = parent.newSubManager();
        this.beta1 = config.beta1();
        this.beta2 = config.beta2();
        this.epsilon = config.epsilon();
        this.weightDecay = config.weightDecay();
    }

    /** Updates every parameter in place from its gradient in {@code gradients} (same names). */
    void step(Map<String, NDArray> parameters, Map<String, NDArray> gradients, float learningRate) {
        steps++;
        float correction1 = (float) (1 - Math.pow(beta1, steps));
        float correction2 = (float) (1 - Math.pow(beta2, steps));
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            NDArray g = gradients.get(e.getKey());
            NDArray m = first.computeIfAbsent(e.getKey(), k -> manager.zeros(p.getShape()));
            NDArray v = second.computeIfAbsent(e.getKey(), k -> manager.zeros(p.getShape()));
            try (NDManager scratch = manager.newSubManager()) {
                // every temporary lands in the manager of its first operand: move all operands to scratch for now
                p.tempAttach(scratch);
                g.tempAttach(scratch);
                m.tempAttach(scratch);
                v.tempAttach(scratch);
                m.muli(beta1).addi(g.mul(1 - beta1));
                v.muli(beta2).addi(g.square().muli(1 - beta2));
                NDArray update = m.div(correction1).divi(v.div(correction2).sqrt().addi(epsilon));
                if (weightDecay > 0) {
                    update.addi(p.mul(weightDecay));
                }
                p.subi(update.muli(learningRate));
            }
        }
    }

    /** Steps taken (the bias-correction counter). */
    long steps() {
        return steps;
    }

    /** First moment of a parameter, if it has been updated. */
    NDArray first(String name) {
        return first.get(name);
    }

    /** Second moment of a parameter, if it has been updated. */
    NDArray second(String name) {
        return second.get(name);
    }

    /** Restores the state of a checkpoint. */
    void restore(long steps, Map<String, float[][]> moments, Map<String, NDArray> parameters) {
        this.steps = steps;
        for (Map.Entry<String, float[][]> e : moments.entrySet()) {
            NDArray p = parameters.get(e.getKey());
            first.put(e.getKey(), manager.create(e.getValue()[0], p.getShape()));
            second.put(e.getKey(), manager.create(e.getValue()[1], p.getShape()));
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}

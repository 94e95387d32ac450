package dev.deliberate.adapt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AdamW on NDArrays against the update rule written out in plain Java. */
class AdamWTest {

    @Test
    void followsTheDecoupledUpdateWithBiasCorrection() {
        TrainingConfig config = TrainingConfig.builder().betas(0.8f, 0.95f).epsilon(1e-6f).weightDecay(0.1f).build();
        float lr = 0.05f;
        float[] p = {0.5f, -1.0f, 2.0f};
        float[][] grads = {{0.1f, -0.2f, 0.3f}, {-0.4f, 0.0f, 1.0f}, {0.25f, 0.5f, -0.75f}};
        float[] m = new float[3];
        float[] v = new float[3];
        float[] expected = p.clone();
        try (NDManager manager = NDManager.newBaseManager(); AdamW adam = new AdamW(manager, config)) {
            NDArray param = manager.create(p);
            for (int t = 1; t <= grads.length; t++) {
                NDArray g = manager.create(grads[t - 1]);
                adam.step(Map.of("w", param), Map.of("w", g), lr);
                for (int i = 0; i < 3; i++) {
                    m[i] = 0.8f * m[i] + 0.2f * grads[t - 1][i];
                    v[i] = 0.95f * v[i] + 0.05f * grads[t - 1][i] * grads[t - 1][i];
                    double mh = m[i] / (1 - Math.pow(0.8, t));
                    double vh = v[i] / (1 - Math.pow(0.95, t));
                    expected[i] -= (float) (lr * (mh / (Math.sqrt(vh) + 1e-6) + 0.1 * expected[i]));
                }
                assertArrayEquals(expected, param.toFloatArray(), 1e-5f, "step " + t);
            }
            assertArrayEquals(m, adam.first("w").toFloatArray(), 1e-6f);
            assertArrayEquals(v, adam.second("w").toFloatArray(), 1e-6f);
        }
    }
}

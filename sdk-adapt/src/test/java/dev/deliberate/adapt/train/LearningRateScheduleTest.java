package dev.deliberate.adapt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The learning rate per step: linear warm-up, then constant or a cosine down to a tenth. */
class LearningRateScheduleTest {

    private static final TrainingConfig CONSTANT = TrainingConfig.builder().learningRate(1e-3f).warmupSteps(10)
            .budget(TrainingBudget.steps(110)).build();
    private static final TrainingConfig COSINE = CONSTANT.toBuilder().schedule(LearningRateSchedule.COSINE).build();

    @Test
    void bothWarmUpLinearly() {
        for (TrainingConfig c : new TrainingConfig[] {CONSTANT, COSINE}) {
            assertEquals(1e-4f, c.learningRateAt(1), 1e-9f);
            assertEquals(5e-4f, c.learningRateAt(5), 1e-9f);
            assertEquals(1e-3f, c.learningRateAt(10), 1e-9f);
        }
    }

    @Test
    void constantStaysAtThePeak() {
        assertEquals(1e-3f, CONSTANT.learningRateAt(60), 0f);
        assertEquals(1e-3f, CONSTANT.learningRateAt(110), 0f);
    }

    @Test
    void cosineFallsToATenthAtTheLastStepAndStaysThere() {
        // halfway through the decay: the mean of peak and floor
        assertEquals(0.55e-3f, COSINE.learningRateAt(60), 1e-8f);
        assertEquals(1e-4f, COSINE.learningRateAt(110), 1e-8f);
        assertEquals(1e-4f, COSINE.learningRateAt(200), 1e-8f);
        for (long s = 10; s < 110; s++) {
            assertTrue(COSINE.learningRateAt(s + 1) <= COSINE.learningRateAt(s), "step " + s);
        }
    }

    @Test
    void cosineNeedsAStepBudget() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> COSINE.toBuilder()
                .budget(TrainingBudget.time(Duration.ofMinutes(1))).build());
        assertTrue(e.getMessage().contains("step budget"), e.getMessage());
    }
}

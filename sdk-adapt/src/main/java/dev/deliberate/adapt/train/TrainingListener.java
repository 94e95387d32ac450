package dev.deliberate.adapt.train;

import java.nio.file.Path;

/**
 * Hears how a training run goes. Called on the training thread; keep it quick. Every method has an empty default.
 */
public interface TrainingListener {

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() { };

    /** After every optimizer step. */
    default void onStep(TrainingProgress progress) {
    }

    /** After a held-out evaluation: the mean loss per trained token of the evaluation set. */
    default void onEvaluation(long step, double loss) {
    }

    /** After a checkpoint was written (atomically). */
    default void onCheckpoint(long step, Path checkpoint) {
    }

    /** When training resumes from a checkpoint, before the first new step. */
    default void onResume(long step, Path checkpoint) {
    }
}

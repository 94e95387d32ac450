package dev.deliberate.adapt.train;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Child JVM of {@link ResumeIT}: trains the tiny model with checkpoints and prints a line after each checkpoint, so
 * the parent can kill it at a known point. Args: model, checkpoint file, adapter file, steps.
 */
public final class TrainUntilKilledMain {

    private TrainUntilKilledMain() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        // llama.cpp may leave a non-daemon native thread behind (see NativeRuntime); this process is done
        System.exit(0);
    }

    private static void run(String[] args) {
        TrainingConfig config = ResumeIT.config(Long.parseLong(args[3]));
        try (Trainer trainer = Trainer.open(Path.of(args[0]), config)) {
            trainer.train(TrainerIT.data(), Optional.empty(), Checkpointing.resumeFrom(Path.of(args[1])),
                    new TrainingListener() {
                        @Override
                        public void onCheckpoint(long step, Path checkpoint) {
                            System.out.println("checkpoint " + step);
                            System.out.flush();
                        }
                    });
            trainer.exportAdapter(Path.of(args[2]));
        }
        System.out.println("done");
        System.out.flush();
    }
}

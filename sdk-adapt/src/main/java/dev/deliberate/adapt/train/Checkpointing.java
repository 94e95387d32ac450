package dev.deliberate.adapt.train;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a training run keeps its checkpoint, and whether it resumes from one.
 *
 * @param file   the checkpoint file (rewritten atomically every {@link TrainingConfig#checkpointInterval()} steps
 *               and at the end), or empty for none
 * @param resume whether to continue from the file when it exists; a run that starts fresh overwrites it
 */
public record Checkpointing(Optional<Path> file, boolean resume) {

    /** Rejects resuming without a file. */
    public Checkpointing {
        Objects.requireNonNull(file, "file");
        if (resume && file.isEmpty()) {
            throw new IllegalArgumentException("resuming needs a checkpoint file");
        }
    }

    /** No checkpoints. */
    public static Checkpointing none() {
        return new Checkpointing(Optional.empty(), false);
    }

    /** Checkpoints to {@code file}, starting fresh. */
    public static Checkpointing to(Path file) {
        return new Checkpointing(Optional.of(file), false);
    }

    /** Checkpoints to {@code file}, continuing from it when it exists (a killed run picks up where it was). */
    public static Checkpointing resumeFrom(Path file) {
        return new Checkpointing(Optional.of(file), true);
    }
}

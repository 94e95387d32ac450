package dev.deliberate.adapt.train;

import dev.deliberate.core.DeliberateException;

/**
 * A checkpoint that cannot be resumed from: unreadable, corrupt (its checksum does not match), or written for another
 * base model or another training configuration.
 */
public class CheckpointException extends DeliberateException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the file */
    public CheckpointException(String message) {
        super(message);
    }

    /** @param message what is wrong, naming the file; @param cause the I/O failure */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.deliberate.cli.core;

import dev.deliberate.core.DeliberateException;

/** A command could not do its work for a reason the user can fix (a missing file or directory); one line. */
public final class CommandFailedException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    public CommandFailedException(String message) {
        super(message);
    }

    public CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.deliberate.robotics;

import dev.deliberate.core.DeliberateException;

/** Root of the exceptions of the robotics module; callers catch the subtype that tells them what to do. */
public class RoboticsException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public RoboticsException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public RoboticsException(String message, Throwable cause) {
        super(message, cause);
    }
}

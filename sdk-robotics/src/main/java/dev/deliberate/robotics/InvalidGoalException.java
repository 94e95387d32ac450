package dev.deliberate.robotics;

/**
 * A goal cannot be executed as sent: a required field is missing, a field has the wrong type, or a text field is not
 * the JSON it should be. The goal is aborted (or answered with the safe fallback); the server keeps serving.
 */
public class InvalidGoalException extends RoboticsException {
    private static final long serialVersionUID = 1L;

    /** @param message which field is wrong and why */
    public InvalidGoalException(String message) {
        super(message);
    }

    /**
     * @param message which field is wrong and why
     * @param cause   the underlying failure
     */
    public InvalidGoalException(String message, Throwable cause) {
        super(message, cause);
    }
}

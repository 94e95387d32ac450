package dev.deliberate.robotics;

/**
 * An action server refused a new goal: it is busy and its policy rejects goals while busy, its queue is full, or it is
 * closed. Nothing was executed; the caller may try again later.
 */
public class GoalRejectedException extends RoboticsException {
    private static final long serialVersionUID = 1L;

    /** @param message why the goal was refused */
    public GoalRejectedException(String message) {
        super(message);
    }
}

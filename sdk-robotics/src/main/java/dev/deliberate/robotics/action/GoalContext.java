package dev.deliberate.robotics.action;

import java.time.Instant;

/**
 * What a {@link GoalHandler} sees of its goal while it runs. Thread-safe: feedback may be published from any thread.
 *
 * @param <F> the feedback type
 */
public interface GoalContext<F> {

    /** The goal's id. */
    GoalId id();

    /** When the server accepted the goal (deadlines count from here). */
    Instant acceptedAt();

    /** Whether a cancel was requested. */
    boolean isCancelRequested();

    /**
     * Runs {@code hook} once when a cancel is requested, on the cancelling thread; at once if one already was. Use it
     * to stop work immediately (for example to cancel a reasoning call).
     */
    void onCancel(Runnable hook);

    /** Sends feedback to the goal's observer; ignored once the goal has ended. */
    void publishFeedback(F feedback);
}

package dev.deliberate.robotics.action;

/**
 * Receives what happens to one goal, in order: status changes, feedback, then exactly one result. Calls for one goal
 * never overlap; keep them quick (a transport sends a frame). An exception thrown here is logged and ignored.
 *
 * @param <F> the feedback type
 * @param <R> the result type
 */
public interface GoalObserver<F, R> {

    /** An observer that ignores everything. */
    static <F, R> GoalObserver<F, R> ignoring() {
        return new GoalObserver<>() { };
    }

    /** The goal's status changed (ACCEPTED is reported too). */
    default void onStatus(GoalId id, GoalStatus status) { }

    /** The handler published feedback. */
    default void onFeedback(GoalId id, F feedback) { }

    /** The goal ended. */
    default void onResult(GoalResult<R> result) { }
}

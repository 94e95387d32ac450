package dev.deliberate.robotics.action;

/**
 * Executes goals for an {@link ActionServer}. Called on one of the server's worker threads, once per goal; it may run
 * several goals at once when the server allows more than one concurrent goal.
 *
 * @param <G> the goal type
 * @param <F> the feedback type
 * @param <R> the result type
 */
@FunctionalInterface
public interface GoalHandler<G, F, R> {

    /**
     * Executes one goal and says how it ended. When {@link GoalContext#isCancelRequested()} becomes true, stop quickly
     * and return {@link GoalOutcome#canceled(Object)}. An exception thrown here aborts the goal without a result.
     */
    GoalOutcome<R> execute(G goal, GoalContext<F> context);
}

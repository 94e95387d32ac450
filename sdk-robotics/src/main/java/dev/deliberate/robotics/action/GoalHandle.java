package dev.deliberate.robotics.action;

import java.util.concurrent.CompletableFuture;

/**
 * A goal accepted by an {@link ActionServer}.
 *
 * @param <R> the result type
 */
public interface GoalHandle<R> {

    /** The goal's id. */
    GoalId id();

    /** The current status; {@link GoalStatus#UNKNOWN} once the result is no longer retained. */
    GoalStatus status();

    /** Requests cancellation. */
    CancelResponse cancel();

    /** Completes when the goal ends (never exceptionally). */
    CompletableFuture<GoalResult<R>> result();
}

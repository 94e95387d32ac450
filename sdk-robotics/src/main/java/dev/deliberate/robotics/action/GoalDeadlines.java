package dev.deliberate.robotics.action;

import java.time.Duration;
import java.util.Optional;

/**
 * The deadline side of a {@link GoalHandler}: how long each goal may take from its arrival, and what the server
 * delivers by itself when that time is up before the handler answered. With it, an {@link ActionServer} guarantees an
 * answer by every goal's deadline wherever the goal is: waiting in the queue, executing, winding down after a cancel
 * or a preemption. The timers live on one dedicated watchdog thread per server that does nothing else, so busy
 * handler threads cannot starve it.
 *
 * <p>A handler that implements this interface is picked up by {@link ActionServer#builder} automatically.
 *
 * @param <G> the goal type
 * @param <R> the result type
 */
public interface GoalDeadlines<G, R> {

    /** Where a goal was when its deadline passed. */
    enum Phase {
        /** Accepted and waiting in the queue; the handler never ran. */
        WAITING,
        /** The handler was running. */
        EXECUTING,
        /** A cancel (or preemption) was requested and the handler had not returned yet. */
        CANCELING
    }

    /**
     * How long after its arrival the goal must be answered; empty for no deadline. Must not throw: a goal too malformed
     * to have a deadline gets a default one.
     */
    Optional<Duration> deadlineOf(G goal);

    /**
     * The outcome the server delivers when the goal's deadline passed in {@code phase}. For {@link Phase#CANCELING} it
     * should be CANCELED; otherwise typically SUCCEEDED with a safe fallback result. Called on the watchdog thread:
     * it must be quick and must not block.
     */
    GoalOutcome<R> expired(G goal, Phase phase);

    /**
     * The result sent, with status ABORTED, for a goal that could not even be read (an oversized or undecodable
     * frame whose id could still be recovered); {@code why} says what was wrong.
     */
    R unreadable(String why);

    /**
     * The result sent, with status ABORTED, for a goal the server refused (queue full, server closed); by default the
     * same as {@link #unreadable}.
     */
    default R rejected(String why) {
        return unreadable(why);
    }
}

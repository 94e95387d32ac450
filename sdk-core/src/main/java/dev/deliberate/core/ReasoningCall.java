package dev.deliberate.core;

import java.util.concurrent.CompletableFuture;

/**
 * A reasoning call in progress. Cancel it at any moment: generation stops at the next token, the listener gets a
 * {@link ReasoningEvent.Done} with {@link FinishReason#CANCELLED}, and {@link #join()} returns what was produced.
 */
public interface ReasoningCall {

    /** Stops generation as soon as possible. Idempotent; does nothing once the call is done. */
    void cancel();

    /** Completes with the result, or exceptionally with a {@link DeliberateException}. */
    CompletableFuture<Reasoning> future();

    /**
     * Waits for the result.
     *
     * @throws DeliberateException the call's own failure, unwrapped
     */
    default Reasoning join() {
        try {
            return future().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof DeliberateException d) {
                throw d;
            }
            throw new DeliberateException("reasoning call failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.CancellationException e) {
            throw new DeliberateException("reasoning call was abandoned", e);
        }
    }

    /** Whether the call has ended (in any way). */
    default boolean isDone() {
        return future().isDone();
    }
}

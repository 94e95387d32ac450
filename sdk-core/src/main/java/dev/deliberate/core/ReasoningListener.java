package dev.deliberate.core;

/**
 * Receives the events of a streaming call on the model's generation thread. Keep it quick: generation waits while it
 * runs. An exception it throws cancels the call.
 */
@FunctionalInterface
public interface ReasoningListener {

    /** A listener that ignores every event. */
    ReasoningListener IGNORE = event -> { };

    /** Called for each event, in order. */
    void onEvent(ReasoningEvent event);
}

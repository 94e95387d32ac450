package dev.deliberate.core.council;

/**
 * Receives a council's events. The council calls it from its members' threads but never from two at once, so an
 * implementation needs no locking; keep it quick, the members wait while it runs. An exception it throws is logged
 * and ignored: a display must not break the council.
 */
@FunctionalInterface
public interface CouncilListener {

    /** A listener that ignores every event. */
    CouncilListener IGNORE = event -> { };

    /** Called for each event. */
    void onEvent(CouncilEvent event);
}

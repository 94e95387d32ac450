package dev.deliberate.core.council;

import dev.deliberate.core.DeliberateException;

/**
 * Fewer members answered validly than the quorum requires. The exception carries everything the council got
 * ({@link #partial()}: each member's outcome with its error, no consensus), so the caller can log it or show it.
 */
public class CouncilQuorumException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    private final transient CouncilResult partial;
    private final int quorum;

    /**
     * @param message what went wrong
     * @param partial what the council got
     * @param quorum  the quorum that was not reached
     */
    public CouncilQuorumException(String message, CouncilResult partial, int quorum) {
        super(message);
        this.partial = partial;
        this.quorum = quorum;
    }

    /** What the council got: stage 1 outcomes with their errors; agreement 0 and no consensus. */
    public CouncilResult partial() {
        return partial;
    }

    /** The quorum that was not reached. */
    public int quorum() {
        return quorum;
    }
}

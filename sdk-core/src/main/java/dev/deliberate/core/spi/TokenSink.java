package dev.deliberate.core.spi;

/** Receives generated text piece by piece, on the generating thread. */
@FunctionalInterface
public interface TokenSink {

    /**
     * One more piece of generated text: usually one token; a character split over several tokens arrives as one
     * piece once complete.
     *
     * @param piece           the new text (may be empty, e.g. for an end-of-text token)
     * @param generatedTokens tokens generated so far in this generation, this piece included
     * @return {@code true} to go on, {@code false} to stop generation now (reported as
     *         {@link StopReason#STOPPED_BY_SINK})
     */
    boolean onPiece(String piece, int generatedTokens);
}

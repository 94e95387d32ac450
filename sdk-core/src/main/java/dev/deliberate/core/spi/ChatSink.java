package dev.deliberate.core.spi;

/** Receives a chat completion piece by piece, on the calling thread. */
@FunctionalInterface
public interface ChatSink {

    /** Where a piece came from. */
    enum Channel {
        /** Reasoning the server split off ({@code reasoning_content}, {@code reasoning}). */
        REASONING,
        /** The message content; may hold inline {@code <think>} blocks, which core parses. */
        CONTENT
    }

    /**
     * One more piece.
     *
     * @param channel         where it came from
     * @param piece           the new text (may be empty)
     * @param generatedTokens tokens generated so far in this completion, this piece included (counted with the
     *                        model's tokenizer when the backend has it, else the server's or an approximation)
     * @return {@code true} to go on, {@code false} to stop now (reported as {@link StopReason#STOPPED_BY_SINK})
     */
    boolean onPiece(Channel channel, String piece, int generatedTokens);

    /**
     * Whether the caller wants the generation stopped now (the call was cancelled). Generators poll it while they
     * wait for a server that sends nothing, so that a cancel takes effect without the next piece.
     */
    default boolean stopRequested() {
        return false;
    }
}

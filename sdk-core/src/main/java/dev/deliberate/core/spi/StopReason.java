package dev.deliberate.core.spi;

/** Why one raw generation ended. */
public enum StopReason {
    /** The model produced its end-of-text token. */
    END_OF_TEXT,
    /** {@link GenerationRequest#maxTokens()} tokens were generated. */
    MAX_TOKENS,
    /** A stop string of the request was generated (it is not part of the text). */
    STOP_STRING,
    /** The {@link TokenSink} asked to stop. */
    STOPPED_BY_SINK
}

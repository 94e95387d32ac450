package dev.deliberate.core;

/**
 * Token counts of one reasoning call.
 *
 * @param promptTokens   tokens of the rendered prompt
 * @param thinkingTokens tokens generated while thinking
 * @param answerTokens   tokens generated for the answer (all attempts, when the answer was retried)
 */
public record Usage(int promptTokens, int thinkingTokens, int answerTokens) {

    /** Rejects negative counts. */
    public Usage {
        if (promptTokens < 0 || thinkingTokens < 0 || answerTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0");
        }
    }

    /** Thinking plus answer tokens. */
    public int generatedTokens() {
        return thinkingTokens + answerTokens;
    }
}

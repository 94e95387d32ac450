package dev.deliberate.adapt.train;

import java.util.Arrays;
import java.util.Objects;

/**
 * An example as the model sees it: the token ids of the rendered prompt followed by the assistant's turn, and which
 * tokens the loss covers. Token {@code i} is trained when {@code trained[i]}: the model, given tokens {@code 0..i-1},
 * is taught to predict it. Prompt tokens are never trained.
 *
 * @param tokens      token ids, prompt first
 * @param trained     per token, whether it is a target of the loss
 * @param promptCount how many leading tokens are the prompt
 */
public record TokenizedExample(int[] tokens, boolean[] trained, int promptCount) {

    /** Checks lengths and that the first token (which nothing predicts) is not trained. */
    public TokenizedExample {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(trained, "trained");
        if (tokens.length != trained.length || tokens.length < 2) {
            throw new IllegalArgumentException("tokens and trained flags must have the same length, at least 2");
        }
        if (promptCount < 1 || promptCount > tokens.length) {
            throw new IllegalArgumentException("prompt count out of range: " + promptCount);
        }
        for (int i = 0; i < promptCount; i++) {
            if (trained[i]) {
                throw new IllegalArgumentException("prompt token " + i + " is marked trained");
            }
        }
        tokens = tokens.clone();
        trained = trained.clone();
    }

    /** Token ids (a copy). */
    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** Trained flags (a copy). */
    @Override
    public boolean[] trained() {
        return trained.clone();
    }

    /** The number of tokens. */
    public int length() {
        return tokens.length;
    }

    /** Token {@code i}. */
    public int token(int i) {
        return tokens[i];
    }

    /** Whether token {@code i} is a target of the loss. */
    public boolean isTrained(int i) {
        return trained[i];
    }

    /** How many tokens the loss covers. */
    public int trainedCount() {
        int n = 0;
        for (boolean t : trained) {
            n += t ? 1 : 0;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizedExample t && promptCount == t.promptCount && Arrays.equals(tokens, t.tokens)
                && Arrays.equals(trained, t.trained);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + Arrays.hashCode(trained) + promptCount;
    }

    @Override
    public String toString() {
        return "TokenizedExample[" + tokens.length + " tokens, " + promptCount + " prompt, " + trainedCount()
                + " trained]";
    }
}

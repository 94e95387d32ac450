package dev.deliberate.core.spi;

import java.util.Objects;

/**
 * What the assistant already said, for the server to continue from: the thinking (closed by the SDK or by the model)
 * and any answer text. Servers take it as a final assistant message to continue (vLLM and SGLang
 * {@code continue_final_message}, DeepSeek {@code prefix}, llama.cpp server assistant prefill).
 *
 * @param thinking       the thinking text, without tags
 * @param thinkingClosed whether the thinking is over; then only answer text may follow
 * @param answer         answer text already produced (empty when the answer starts now)
 */
public record AssistantPrefix(String thinking, boolean thinkingClosed, String answer) {

    /** Rejects nulls. */
    public AssistantPrefix {
        Objects.requireNonNull(thinking, "thinking");
        Objects.requireNonNull(answer, "answer");
    }

    /** The prefix as text in the DeepSeek-R1 convention: {@code <think>\n...\n</think>\n\n} then the answer. */
    public String asText() {
        StringBuilder b = new StringBuilder("<think>\n").append(thinking);
        if (thinkingClosed) {
            b.append("\n</think>\n\n").append(answer);
        }
        return b.toString();
    }
}

package dev.deliberate.adapt.train;

import dev.deliberate.core.ChatMessage;
import java.util.List;
import java.util.Objects;

/**
 * One chat example to train on: the conversation up to the assistant's turn, then what the assistant should think and
 * answer. The conversation is the prompt and is never trained; the thinking is trained unless
 * {@link ThinkingLoss#MASK} is chosen; the answer and the end of the turn are always trained.
 *
 * @param prompt   the conversation before the trained turn: optional system messages, then user (and earlier
 *                 assistant) turns; at least one user message
 * @param thinking what the assistant thinks before answering, without {@code <think>} tags; empty for none
 * @param answer   the assistant's answer
 */
public record TrainingExample(List<ChatMessage> prompt, String thinking, String answer) {

    /** Checks the shape: a prompt with a user turn, not ending with an assistant turn. */
    public TrainingExample {
        prompt = List.copyOf(prompt);
        Objects.requireNonNull(thinking, "thinking");
        Objects.requireNonNull(answer, "answer");
        if (prompt.stream().noneMatch(m -> m.role() == ChatMessage.Role.USER)) {
            throw new IllegalArgumentException("the prompt has no user message");
        }
        if (prompt.get(prompt.size() - 1).role() == ChatMessage.Role.ASSISTANT) {
            throw new IllegalArgumentException("the prompt ends with an assistant message: that one is the trained"
                    + " turn, give it as thinking and answer");
        }
    }

    /** An example with a user question, the thinking and the answer. */
    public static TrainingExample of(String user, String thinking, String answer) {
        return new TrainingExample(List.of(ChatMessage.user(user)), thinking, answer);
    }
}

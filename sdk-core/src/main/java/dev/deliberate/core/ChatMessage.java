package dev.deliberate.core;

import java.util.Objects;

/**
 * One turn of a conversation.
 *
 * @param role    who speaks
 * @param content what is said; for assistant turns, the answer only (never the thinking)
 */
public record ChatMessage(Role role, String content) {

    /** Who speaks in a {@link ChatMessage}. */
    public enum Role {
        /** Instructions that frame the conversation. */
        SYSTEM,
        /** The person or program asking. */
        USER,
        /** The model's earlier answers. */
        ASSISTANT
    }

    /** Rejects null role or content. */
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /** A system message. */
    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content);
    }

    /** A user message. */
    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    /** An assistant message (an earlier answer). */
    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }
}

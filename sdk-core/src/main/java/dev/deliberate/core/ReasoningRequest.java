package dev.deliberate.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One question to a reasoning model: the conversation, how long the model may think, and the form of the answer.
 * Immutable and validated; make variations with {@link #toBuilder()}.
 *
 * <pre>{@code
 * ReasoningRequest request = ReasoningRequest.builder()
 *         .user("Is 1013 prime?")
 *         .thinkingBudget(ThinkingBudget.tokens(512).within(Duration.ofSeconds(5)))
 *         .answerFormat(AnswerFormat.jsonSchema("{\"type\":\"object\",\"properties\":{\"prime\":{\"type\":\"boolean\"}},"
 *                 + "\"required\":[\"prime\"]}"))
 *         .build();
 * }</pre>
 *
 * @param messages         the conversation, oldest first; not empty
 * @param thinkingBudget   bounds on thinking
 * @param answerMaxTokens  the most tokens of the answer (per attempt); at least 1
 * @param answerFormat     free text or a JSON Schema
 * @param sampling         temperature, top-p, top-k, seed
 * @param stop             strings that end the answer when generated (not included in it)
 * @param answerRetries    with a JSON Schema answer format: how many times an answer that does not parse or validate
 *                         is fed back with its errors and generated again, before {@link InvalidAnswerException};
 *                         applies to every backend (a constrained answer can still fail: cut by
 *                         {@code answerMaxTokens}, or a keyword the constraint does not express); 0 to 10
 */
public record ReasoningRequest(
        List<ChatMessage> messages,
        ThinkingBudget thinkingBudget,
        int answerMaxTokens,
        AnswerFormat answerFormat,
        Sampling sampling,
        List<String> stop,
        int answerRetries) {

    /** Default bound on answer tokens. */
    public static final int DEFAULT_ANSWER_MAX_TOKENS = 1024;
    /** Default number of corrective retries of an answer that does not validate. */
    public static final int DEFAULT_ANSWER_RETRIES = 2;

    /** Validates every field. */
    public ReasoningRequest {
        Objects.requireNonNull(messages, "messages");
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new InvalidRequestException("a reasoning request needs at least one message");
        }
        Objects.requireNonNull(thinkingBudget, "thinkingBudget");
        if (answerMaxTokens < 1) {
            throw new InvalidRequestException("answer budget must be >= 1 token, got " + answerMaxTokens);
        }
        Objects.requireNonNull(answerFormat, "answerFormat");
        Objects.requireNonNull(sampling, "sampling");
        stop = List.copyOf(stop);
        for (String s : stop) {
            if (s.isEmpty()) {
                throw new InvalidRequestException("stop strings must not be empty");
            }
        }
        if (answerRetries < 0 || answerRetries > 10) {
            throw new InvalidRequestException("answer retries must be in [0, 10], got " + answerRetries);
        }
    }

    /** A builder with the defaults: unlimited thinking, 1024 answer tokens, text answers, default sampling. */
    public static Builder builder() {
        return new Builder();
    }

    /** A request asking one user question with all defaults. */
    public static ReasoningRequest of(String userMessage) {
        return builder().user(userMessage).build();
    }

    /** A builder holding this request's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.messages.addAll(messages);
        b.thinkingBudget = thinkingBudget;
        b.answerMaxTokens = answerMaxTokens;
        b.answerFormat = answerFormat;
        b.sampling = sampling;
        b.stop.addAll(stop);
        b.answerRetries = answerRetries;
        return b;
    }

    /** Builds {@link ReasoningRequest}s; validation happens in {@link #build()}. */
    public static final class Builder {
        private final List<ChatMessage> messages = new ArrayList<>();
        private ThinkingBudget thinkingBudget = ThinkingBudget.unlimited();
        private int answerMaxTokens = DEFAULT_ANSWER_MAX_TOKENS;
        private AnswerFormat answerFormat = AnswerFormat.text();
        private Sampling sampling = Sampling.defaults();
        private final List<String> stop = new ArrayList<>();
        private int answerRetries = DEFAULT_ANSWER_RETRIES;

        private Builder() {}

        /** Appends a message. */
        public Builder message(ChatMessage message) {
            messages.add(Objects.requireNonNull(message, "message"));
            return this;
        }

        /** Replaces the conversation. */
        public Builder messages(List<ChatMessage> conversation) {
            messages.clear();
            conversation.forEach(this::message);
            return this;
        }

        /** Appends a system message. */
        public Builder system(String text) {
            return message(ChatMessage.system(text));
        }

        /** Appends a user message. */
        public Builder user(String text) {
            return message(ChatMessage.user(text));
        }

        /** Sets the thinking bounds. */
        public Builder thinkingBudget(ThinkingBudget budget) {
            this.thinkingBudget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        /** Sets the most answer tokens. */
        public Builder answerMaxTokens(int tokens) {
            this.answerMaxTokens = tokens;
            return this;
        }

        /** Sets the answer format. */
        public Builder answerFormat(AnswerFormat format) {
            this.answerFormat = Objects.requireNonNull(format, "format");
            return this;
        }

        /** Sets the sampling parameters. */
        public Builder sampling(Sampling sampling) {
            this.sampling = Objects.requireNonNull(sampling, "sampling");
            return this;
        }

        /** Adds a stop string for the answer. */
        public Builder stop(String stopString) {
            stop.add(Objects.requireNonNull(stopString, "stopString"));
            return this;
        }

        /** Sets the corrective retries of an answer that does not validate (see {@link ReasoningRequest}). */
        public Builder answerRetries(int retries) {
            this.answerRetries = retries;
            return this;
        }

        /** Validates and builds the request. */
        public ReasoningRequest build() {
            return new ReasoningRequest(messages, thinkingBudget, answerMaxTokens, answerFormat, sampling, stop,
                    answerRetries);
        }
    }
}

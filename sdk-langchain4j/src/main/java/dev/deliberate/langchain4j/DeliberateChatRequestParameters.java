package dev.deliberate.langchain4j;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * LangChain4j request parameters with what a reasoning model needs beside them: a thinking budget in tokens, a thinking
 * deadline counted from the call, and a seed. Pass them as a model's default parameters or per request, exactly like
 * LangChain4j's own provider-specific parameters:
 *
 * <pre>{@code
 * ChatRequest request = ChatRequest.builder()
 *         .messages(UserMessage.from("Urgency of a 4 mm hyperdense focus?"))
 *         .parameters(DeliberateChatRequestParameters.builder()
 *                 .thinkingBudgetTokens(512).thinkingTimeout(Duration.ofSeconds(5)).build())
 *         .build();
 * }</pre>
 *
 * <p>{@link #maxOutputTokens()} bounds the answer (thinking is bounded by the thinking budget), {@code stopSequences}
 * end the answer, and a JSON-Schema {@code responseFormat} becomes a schema answer that Deliberate constrains and
 * validates.
 */
public class DeliberateChatRequestParameters extends DefaultChatRequestParameters {

    private final Integer thinkingBudgetTokens;
    private final Duration thinkingTimeout;
    private final Long seed;

    /** Built by {@link #builder()}. */
    protected DeliberateChatRequestParameters(Builder builder) {
        super(builder);
        this.thinkingBudgetTokens = builder.thinkingBudgetTokens;
        this.thinkingTimeout = builder.thinkingTimeout;
        this.seed = builder.seed;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The most thinking tokens, when set. */
    public OptionalInt thinkingBudgetTokens() {
        return thinkingBudgetTokens == null ? OptionalInt.empty() : OptionalInt.of(thinkingBudgetTokens);
    }

    /** How long the model may think, counted from the start of the call, when set. */
    public Optional<Duration> thinkingTimeout() {
        return Optional.ofNullable(thinkingTimeout);
    }

    /** The sampling seed, when set. */
    public OptionalLong seed() {
        return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
    }

    @Override
    public ChatRequestParameters overrideWith(ChatRequestParameters that) {
        return builder().overrideWith(this).overrideWith(that).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeliberateChatRequestParameters that && super.equals(o)
                && Objects.equals(thinkingBudgetTokens, that.thinkingBudgetTokens)
                && Objects.equals(thinkingTimeout, that.thinkingTimeout) && Objects.equals(seed, that.seed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), thinkingBudgetTokens, thinkingTimeout, seed);
    }

    @Override
    public String toString() {
        return "DeliberateChatRequestParameters{thinkingBudgetTokens=" + thinkingBudgetTokens + ", thinkingTimeout="
                + thinkingTimeout + ", seed=" + seed + ", " + super.toString() + "}";
    }

    /** Builds {@link DeliberateChatRequestParameters}; values left unset fall back to the model's defaults. */
    public static class Builder extends DefaultChatRequestParameters.Builder<Builder> {
        private Integer thinkingBudgetTokens;
        private Duration thinkingTimeout;
        private Long seed;

        /** Takes every value {@code parameters} sets, Deliberate's own ones included. */
        @Override
        public Builder overrideWith(ChatRequestParameters parameters) {
            super.overrideWith(parameters);
            if (parameters instanceof DeliberateChatRequestParameters d) {
                if (d.thinkingBudgetTokens != null) {
                    thinkingBudgetTokens = d.thinkingBudgetTokens;
                }
                if (d.thinkingTimeout != null) {
                    thinkingTimeout = d.thinkingTimeout;
                }
                if (d.seed != null) {
                    seed = d.seed;
                }
            }
            return this;
        }

        /** The most thinking tokens; 0 answers at once. */
        public Builder thinkingBudgetTokens(Integer tokens) {
            if (tokens != null && tokens < 0) {
                throw new IllegalArgumentException("thinking budget must be >= 0 tokens, got " + tokens);
            }
            this.thinkingBudgetTokens = tokens;
            return this;
        }

        /** How long the model may think, from the start of the call. */
        public Builder thinkingTimeout(Duration timeout) {
            if (timeout != null && timeout.isNegative()) {
                throw new IllegalArgumentException("thinking timeout must not be negative, got " + timeout);
            }
            this.thinkingTimeout = timeout;
            return this;
        }

        /** The sampling seed (same seed, same model, same request: same answer). */
        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        @Override
        public DeliberateChatRequestParameters build() {
            return new DeliberateChatRequestParameters(this);
        }
    }
}

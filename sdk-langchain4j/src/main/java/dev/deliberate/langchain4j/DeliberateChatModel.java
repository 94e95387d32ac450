package dev.deliberate.langchain4j;

import dev.deliberate.core.ReasoningModel;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.Objects;
import java.util.Set;

/**
 * A Deliberate {@link ReasoningModel} (local GGUF, remote endpoint, anything Deliberate opens) as a LangChain4j
 * {@link ChatModel}. The thinking arrives as {@link dev.langchain4j.data.message.AiMessage#thinking()}, apart from the
 * answer; thinking budgets and deadlines come from {@link DeliberateChatRequestParameters}; a JSON-Schema
 * {@code responseFormat} (what {@code AiServices} sends for a typed result) is answered under Deliberate's schema
 * constraint and validation. Works with {@code AiServices}:
 *
 * <pre>{@code
 * try (ReasoningModel model = ReasoningModels.open(ModelLocator.parse("model.gguf"))) {
 *     ChatModel chat = DeliberateChatModel.of(model, DeliberateChatRequestParameters.builder()
 *             .thinkingBudgetTokens(256).build());
 *     Triage triage = AiServices.create(TriageService.class, chat).triage("4 mm hyperdense focus");
 * }
 * }</pre>
 *
 * <p>The adapter does not own the model: close the {@code ReasoningModel} yourself. Thread-safe, as the model is.
 */
public final class DeliberateChatModel implements ChatModel {

    private final ReasoningModel model;
    private final ChatRequestParameters defaults;

    private DeliberateChatModel(ReasoningModel model, ChatRequestParameters defaults) {
        this.model = Objects.requireNonNull(model, "model");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    /** The model with LangChain4j's default parameters (unlimited thinking, Deliberate's default answer bound). */
    public static DeliberateChatModel of(ReasoningModel model) {
        return new DeliberateChatModel(model, DeliberateChatRequestParameters.builder().build());
    }

    /** The model with default parameters that every request's own parameters override. */
    public static DeliberateChatModel of(ReasoningModel model, ChatRequestParameters defaults) {
        return new DeliberateChatModel(model, defaults);
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        try {
            return RequestMapping.toChatResponse(model.reason(RequestMapping.toReasoningRequest(request)));
        } catch (RuntimeException e) {
            throw RequestMapping.toLangChain4j(e);
        }
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return defaults;
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }
}

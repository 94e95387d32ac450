package dev.deliberate.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.BackendUnavailableException;
import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * LangChain4j requests to Deliberate requests and results back: written once for the blocking and the streaming model.
 * What LangChain4j can express but a reasoning call cannot (tools, images, frequency penalties) is refused with
 * LangChain4j's {@link UnsupportedFeatureException} instead of being dropped silently.
 */
final class RequestMapping {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestMapping() {}

    /** The Deliberate request for {@code request}, whose parameters are already merged with the model's defaults. */
    static ReasoningRequest toReasoningRequest(ChatRequest request) {
        ChatRequestParameters p = request.parameters();
        if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
            throw new UnsupportedFeatureException("tools are not supported by Deliberate reasoning models");
        }
        if (p.frequencyPenalty() != null || p.presencePenalty() != null) {
            throw new UnsupportedFeatureException("frequency and presence penalties are not supported");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (dev.langchain4j.data.message.ChatMessage m : request.messages()) {
            messages.add(message(m));
        }
        ReasoningRequest.Builder b = ReasoningRequest.builder().messages(messages);
        Sampling sampling = Sampling.defaults();
        if (p.temperature() != null) {
            sampling = sampling.withTemperature(p.temperature());
        }
        if (p.topP() != null || p.topK() != null) {
            sampling = new Sampling(sampling.temperature(), p.topP() != null ? p.topP() : sampling.topP(),
                    p.topK() != null ? p.topK() : sampling.topK(), sampling.seed());
        }
        ThinkingBudget budget = ThinkingBudget.unlimited();
        if (p instanceof DeliberateChatRequestParameters d) {
            if (d.seed().isPresent()) {
                sampling = sampling.withSeed(d.seed().getAsLong());
            }
            if (d.thinkingBudgetTokens().isPresent()) {
                budget = ThinkingBudget.tokens(d.thinkingBudgetTokens().getAsInt());
            }
            if (d.thinkingTimeout().isPresent()) {
                budget = budget.within(d.thinkingTimeout().get());
            }
        }
        b.sampling(sampling).thinkingBudget(budget);
        if (p.maxOutputTokens() != null) {
            b.answerMaxTokens(p.maxOutputTokens());
        }
        if (p.stopSequences() != null) {
            p.stopSequences().forEach(b::stop);
        }
        b.answerFormat(format(p.responseFormat()));
        return b.build();
    }

    private static ChatMessage message(dev.langchain4j.data.message.ChatMessage m) {
        if (m instanceof SystemMessage s) {
            return ChatMessage.system(s.text());
        }
        if (m instanceof UserMessage u) {
            if (!u.hasSingleText()) {
                throw new UnsupportedFeatureException("only text user messages are supported (images, audio and "
                        + "other contents are not)");
            }
            return ChatMessage.user(u.singleText());
        }
        if (m instanceof AiMessage a) {
            if (a.hasToolExecutionRequests()) {
                throw new UnsupportedFeatureException("tool calls are not supported by Deliberate reasoning models");
            }
            // earlier thinking is not sent back: reasoning models are trained on conversations without it
            return ChatMessage.assistant(a.text() == null ? "" : a.text());
        }
        throw new UnsupportedFeatureException("messages of type " + m.type() + " are not supported");
    }

    private static AnswerFormat format(ResponseFormat format) {
        if (format == null || format.type() == ResponseFormatType.TEXT) {
            return AnswerFormat.text();
        }
        if (format.jsonSchema() == null) {
            // JSON without a schema: any JSON value
            return AnswerFormat.jsonSchema(JSON.createObjectNode());
        }
        Map<String, Object> schema = JsonSchemaElementUtils.toMap(format.jsonSchema().rootElement(), false);
        JsonNode node = JSON.valueToTree(schema);
        return AnswerFormat.jsonSchema(node);
    }

    /** The LangChain4j response for a finished call: the answer as text, the thinking as {@code thinking}. */
    static ChatResponse toChatResponse(Reasoning r) {
        String text = r.answerJson().map(JsonNode::toString).orElse(r.answer());
        AiMessage message = AiMessage.builder().text(text).thinking(r.thinking().isEmpty() ? null : r.thinking())
                .build();
        return ChatResponse.builder()
                .aiMessage(message)
                .modelName(r.model().modelId().isEmpty() ? r.model().locator() : r.model().modelId())
                .tokenUsage(new TokenUsage(r.usage().promptTokens(), r.usage().generatedTokens()))
                .finishReason(finish(r.finish()))
                .build();
    }

    private static dev.langchain4j.model.output.FinishReason finish(FinishReason f) {
        return switch (f) {
            case STOP, THINKING_BUDGET, DEADLINE -> dev.langchain4j.model.output.FinishReason.STOP;
            case LENGTH -> dev.langchain4j.model.output.FinishReason.LENGTH;
            case CANCELLED -> dev.langchain4j.model.output.FinishReason.OTHER;
        };
    }

    /**
     * A Deliberate failure as the LangChain4j exception a LangChain4j caller handles (retriable or not); the
     * Deliberate exception stays the cause, so callers that know Deliberate can still tell it apart.
     */
    static RuntimeException toLangChain4j(Throwable e) {
        if (e instanceof LangChain4jException l) {
            return l;
        }
        if (e instanceof BackendUnavailableException) {
            return new RetriableException(e.getMessage(), e);
        }
        if (e instanceof InvalidRequestException) { // invalid schemas and context overflows included
            return new dev.langchain4j.exception.InvalidRequestException(e.getMessage(), e);
        }
        if (e instanceof DeliberateException) {
            return new LangChain4jException(e.getMessage(), e);
        }
        return e instanceof RuntimeException r ? r : new LangChain4jException(String.valueOf(e.getMessage()), e);
    }
}

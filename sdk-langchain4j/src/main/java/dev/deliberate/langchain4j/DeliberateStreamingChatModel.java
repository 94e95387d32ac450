package dev.deliberate.langchain4j;

import dev.deliberate.core.ReasoningCall;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.ReasoningModel;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * A Deliberate {@link ReasoningModel} as a LangChain4j {@link StreamingChatModel}: thinking streams to
 * {@link StreamingChatResponseHandler#onPartialThinking(PartialThinking)}, the answer to
 * {@link StreamingChatResponseHandler#onPartialResponse(String)}, then {@code onCompleteResponse} with the whole
 * result (or {@code onError}). Parameters as for {@link DeliberateChatModel}.
 *
 * <p>For a JSON-Schema answer that Deliberate retries after a failed validation, partial answer text of a rejected
 * attempt has already been streamed; the complete response holds the validated answer only. Handlers run on the
 * model's generating thread: keep them short. The adapter does not own the model.
 */
public final class DeliberateStreamingChatModel implements StreamingChatModel {

    private final ReasoningModel model;
    private final ChatRequestParameters defaults;

    private DeliberateStreamingChatModel(ReasoningModel model, ChatRequestParameters defaults) {
        this.model = Objects.requireNonNull(model, "model");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    /** The model with LangChain4j's default parameters. */
    public static DeliberateStreamingChatModel of(ReasoningModel model) {
        return new DeliberateStreamingChatModel(model, DeliberateChatRequestParameters.builder().build());
    }

    /** The model with default parameters that every request's own parameters override. */
    public static DeliberateStreamingChatModel of(ReasoningModel model, ChatRequestParameters defaults) {
        return new DeliberateStreamingChatModel(model, defaults);
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        ReasoningCall call;
        try {
            call = model.start(RequestMapping.toReasoningRequest(request), event -> {
                if (event instanceof ReasoningEvent.ThinkingDelta t && !t.text().isEmpty()) {
                    handler.onPartialThinking(new PartialThinking(t.text()));
                } else if (event instanceof ReasoningEvent.AnswerDelta a && !a.text().isEmpty()) {
                    handler.onPartialResponse(a.text());
                }
                // Done is answered from the future below, so that a failed call reaches onError exactly once
            });
        } catch (RuntimeException e) {
            handler.onError(RequestMapping.toLangChain4j(e));
            return;
        }
        call.future().whenComplete((reasoning, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                handler.onError(RequestMapping.toLangChain4j(cause));
            } else {
                handler.onCompleteResponse(RequestMapping.toChatResponse(reasoning));
            }
        });
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

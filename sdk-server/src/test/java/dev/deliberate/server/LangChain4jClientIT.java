package dev.deliberate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.llama.TestModels;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Java client users already have: LangChain4j's OpenAI module (1.19.0) against the server, real llama.cpp behind it
 * on the tiny model. With {@code returnThinking(true)} LangChain4j reads {@code reasoning_content} into
 * {@code AiMessage.thinking()} and streams it as {@code PartialThinking}.
 */
class LangChain4jClientIT {

    static final String KEY = "sk-langchain4j-it-91";
    static final RecordingModel.Tracker TRACKER = new RecordingModel.Tracker();
    static ModelPool pool;
    static OpenAiServer server;

    @BeforeAll
    static void serve() {
        pool = ModelPool.of(List.of(new RecordingModel(ReasoningModels.open(ModelLocator.file(TestModels.tiny()),
                ModelOptions.defaults().with(new dev.deliberate.llama.LlamaOptions(2, 2048, 0))), TRACKER)));
        server = OpenAiServer.start(pool, ServerConfig.builder().port(0).apiKey(ApiKey.of(KEY)).build());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    static OpenAiChatModel.OpenAiChatModelBuilder chatModel(String key) {
        return OpenAiChatModel.builder().baseUrl(server.baseUrl().toString()).apiKey(key)
                .modelName(server.modelId()).returnThinking(true).seed(11).maxRetries(0)
                .timeout(Duration.ofSeconds(60));
    }

    static Reasoning lastResult() throws Exception {
        return TRACKER.last().call().future().get(30, TimeUnit.SECONDS);
    }

    static ChatRequest question() {
        return ChatRequest.builder().messages(SystemMessage.from("You are terse."),
                UserMessage.from("Is 1013 prime?")).build();
    }

    @Test
    void chatModelReturnsTheThinkingApartFromTheAnswer() throws Exception {
        OpenAiChatModel model = chatModel(KEY).maxCompletionTokens(12)
                .customParameters(Map.of("thinking_budget", 20)).build();
        ChatResponse response = model.chat(question());
        Reasoning produced = lastResult();
        assertFalse(produced.thinking().isEmpty());
        assertEquals(produced.thinking(), response.aiMessage().thinking());
        assertEquals(produced.answer(), response.aiMessage().text());
        assertEquals(20, TRACKER.last().request().thinkingBudget().maxTokens(), "custom parameter thinking_budget");
        assertEquals(12, TRACKER.last().request().answerMaxTokens());
        OpenAiTokenUsage usage = assertInstanceOf(OpenAiTokenUsage.class, response.tokenUsage());
        assertEquals(produced.usage().thinkingTokens(), usage.outputTokensDetails().reasoningTokens());
        assertEquals(produced.usage().generatedTokens(), usage.outputTokenCount());
    }

    @Test
    void streamingModelStreamsPartialThinkingThenTheAnswer() throws Exception {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(server.baseUrl().toString())
                .apiKey(KEY).modelName(server.modelId()).returnThinking(true).seed(12).maxCompletionTokens(12)
                .reasoningEffort("low").timeout(Duration.ofSeconds(60)).build();
        StringBuilder thinking = new StringBuilder();
        StringBuilder answer = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(question(), new StreamingChatResponseHandler() {
            @Override
            public void onPartialThinking(PartialThinking partial) {
                thinking.append(partial.text());
            }

            @Override
            public void onPartialResponse(String partial) {
                answer.append(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(60, TimeUnit.SECONDS);
        Reasoning produced = lastResult();
        assertEquals(produced.thinking(), thinking.toString());
        assertEquals(produced.answer(), answer.toString());
        assertEquals(produced.thinking(), response.aiMessage().thinking());
        assertEquals(256, TRACKER.last().request().thinkingBudget().maxTokens(), "reasoning_effort low");
    }

    @Test
    void jsonSchemaResponseFormatGivesAValidAnswer() throws Exception {
        JsonObjectSchema root = JsonObjectSchema.builder().addBooleanProperty("prime").required("prime").build();
        ChatRequest request = question().toBuilder().responseFormat(ResponseFormat.builder()
                .type(ResponseFormatType.JSON).jsonSchema(JsonSchema.builder().name("primality").rootElement(root)
                        .build()).build()).build();
        OpenAiChatModel model = chatModel(KEY).maxCompletionTokens(64).strictJsonSchema(true)
                .customParameters(Map.of("thinking_budget", 8)).build();
        ChatResponse response = model.chat(request);
        AnswerFormat.Json format = (AnswerFormat.Json) TRACKER.last().request().answerFormat();
        assertTrue(format.parseAnswer(response.aiMessage().text()).path("prime").isBoolean());
    }

    @Test
    void aWrongKeyFailsWithAnAuthenticationError() {
        OpenAiChatModel model = chatModel("sk-wrong").build();
        RuntimeException e = assertThrows(RuntimeException.class, () -> model.chat(question()));
        assertTrue(e.getClass().getSimpleName().contains("Authentication") || String.valueOf(e.getMessage())
                .contains("401") || String.valueOf(e.getMessage()).contains("invalid_api_key"), e.toString());
    }
}

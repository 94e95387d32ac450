package dev.deliberate.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.llama.TestModels;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adapters judged by LangChain4j's own APIs ({@code ChatModel.chat}, {@code StreamingChatModel.chat},
 * {@code AiServices} with a typed result) on real llama.cpp and the generated tiny model. The tiny model's weights are
 * random: what is asserted is the contract (thinking apart from the answer, budgets honoured, schema answers valid and
 * mapped), not the words.
 */
class LangChain4jAdapterIT {

    private static ReasoningModel model;

    @BeforeAll
    static void open() {
        model = ReasoningModels.open(ModelLocator.file(TestModels.tiny()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static DeliberateChatRequestParameters seeded(int thinking) {
        return DeliberateChatRequestParameters.builder().seed(7L).thinkingBudgetTokens(thinking)
                .maxOutputTokens(24).build();
    }

    @Test
    void chatReturnsThinkingApartFromTheAnswerWithinTheBudget() {
        ChatResponse r = DeliberateChatModel.of(model, seeded(12)).chat(ChatRequest.builder()
                .messages(SystemMessage.from("You are terse."), UserMessage.from("Why is the sky blue?")).build());
        assertNotNull(r.aiMessage().thinking(), "the tiny model thinks first: its template opens <think>");
        assertFalse(r.aiMessage().thinking().contains("<think>"));
        assertFalse(r.aiMessage().text().contains("<think>") || r.aiMessage().text().contains("</think>"));
        assertTrue(r.tokenUsage().outputTokenCount() > 0);
        assertEquals("deliberate-test-tiny", r.modelName());
    }

    @Test
    void thinkingBudgetZeroMeansNoThinking() {
        ChatResponse r = DeliberateChatModel.of(model, seeded(0)).chat(ChatRequest.builder()
                .messages(UserMessage.from("Answer at once.")).build());
        assertNull(r.aiMessage().thinking());
    }

    @Test
    void requestParametersOverrideTheModelDefaults() {
        DeliberateChatModel chat = DeliberateChatModel.of(model, seeded(12));
        ChatResponse r = chat.chat(ChatRequest.builder().messages(UserMessage.from("Go."))
                .parameters(DeliberateChatRequestParameters.builder().thinkingBudgetTokens(0).build()).build());
        assertNull(r.aiMessage().thinking(), "the request's budget of 0 wins over the default of 12");
        assertTrue(r.tokenUsage().outputTokenCount() <= 24 + 2, "the default answer bound still applies");
    }

    @Test
    void jsonSchemaResponseFormatGivesAValidatedAnswer() throws Exception {
        JsonSchema schema = JsonSchema.builder().name("Triage").rootElement(JsonObjectSchema.builder()
                .addEnumProperty("urgency", List.of("routine", "urgent", "critical"))
                .required("urgency").build()).build();
        ChatResponse r = DeliberateChatModel.of(model, seeded(8)).chat(ChatRequest.builder()
                .messages(UserMessage.from("Urgency?"))
                .responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(schema).build())
                .build());
        String urgency = new ObjectMapper().readTree(r.aiMessage().text()).get("urgency").asText();
        assertTrue(List.of("routine", "urgent", "critical").contains(urgency), r.aiMessage().text());
    }

    /** What a LangChain4j user writes: an AI service with a typed result. */
    enum Urgency { ROUTINE, URGENT, CRITICAL }

    record Triage(Urgency urgency) {}

    interface Triager {
        Triage triage(String finding);
    }

    @Test
    void aiServicesWithATypedResultWork() {
        Triager triager = AiServices.create(Triager.class, DeliberateChatModel.of(model, seeded(8)));
        Triage t = triager.triage("4 mm hyperdense focus, left basal ganglia");
        assertNotNull(t.urgency(), "AiServices asked for a JSON-Schema answer and mapped it to the record");
    }

    @Test
    void streamingDeliversThinkingThenAnswerThenTheCompleteResponse() throws Exception {
        StringBuilder thinking = new StringBuilder();
        StringBuilder answer = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        DeliberateStreamingChatModel.of(model, seeded(12)).chat(ChatRequest.builder()
                .messages(UserMessage.from("Stream, please.")).build(), new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialThinking(PartialThinking partial) {
                        assertEquals(0, answer.length(), "thinking comes before the answer");
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
        ChatResponse r = done.get(60, TimeUnit.SECONDS);
        assertEquals(r.aiMessage().thinking(), thinking.toString().strip());
        assertEquals(r.aiMessage().text(), answer.toString().strip());
        assertTrue(r.finishReason() == FinishReason.STOP || r.finishReason() == FinishReason.LENGTH);
    }

    @Test
    void toolsAreRefusedNotIgnored() {
        DeliberateChatModel chat = DeliberateChatModel.of(model);
        ChatRequest withTool = ChatRequest.builder().messages(UserMessage.from("x"))
                .toolSpecifications(ToolSpecification.builder().name("lookup").build()).build();
        assertThrows(UnsupportedFeatureException.class, () -> chat.chat(withTool));
    }
}

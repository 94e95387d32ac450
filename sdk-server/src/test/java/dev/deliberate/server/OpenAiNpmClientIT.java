package dev.deliberate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.llama.TestModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official {@code openai} npm client drives the server, which runs real llama.cpp on the generated tiny model
 * (two instances): the judge of wire compatibility. Each scenario is a function of {@code openai-client.mjs}; what
 * the client read is compared with what the model actually produced.
 */
class OpenAiNpmClientIT {

    static final String KEY = "sk-deliberate-it-7f3a";
    static final RecordingModel.Tracker TRACKER = new RecordingModel.Tracker();
    static ModelPool pool;
    static OpenAiServer server;

    @BeforeAll
    static void serve() throws Exception {
        NodeClient.dir(); // skip (laptop) or fail (CI) before loading anything when the client is missing
        List<ReasoningModel> models = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            models.add(new RecordingModel(ReasoningModels.open(ModelLocator.file(TestModels.tiny()),
                    ModelOptions.defaults().with(new dev.deliberate.llama.LlamaOptions(1, 2048, 0))), TRACKER));
        }
        pool = ModelPool.of(models);
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

    static JsonNode node(String scenario) throws Exception {
        return NodeClient.run(server, KEY, scenario, Map.of());
    }

    static Reasoning lastResult() throws Exception {
        return TRACKER.last().call().future().get(30, TimeUnit.SECONDS);
    }

    @Test
    void listsAndRetrievesTheServedModel() throws Exception {
        JsonNode r = node("models");
        assertEquals("[\"" + server.modelId() + "\"]", r.path("ids").toString());
        assertEquals(server.modelId(), r.path("retrieved").asText());
    }

    @Test
    void blockingCompletionCarriesTheThinkingInReasoningContentOnly() throws Exception {
        JsonNode r = node("blocking");
        Reasoning produced = lastResult();
        assertFalse(produced.thinking().isEmpty());
        assertEquals(produced.thinking(), r.path("reasoning").asText());
        assertEquals(produced.answer(), r.path("content").asText());
        assertFalse(r.path("content").asText().contains(produced.thinking()));
        assertFalse(r.path("content").asText().contains("<think>") || r.path("content").asText().contains("</think>"));
        assertEquals(produced.usage().thinkingTokens(),
                r.at("/usage/completion_tokens_details/reasoning_tokens").asInt());
        assertTrue(r.at("/usage/completion_tokens_details/reasoning_tokens").asInt() <= 24, "thinking_budget 24");
        assertEquals(produced.usage().generatedTokens(), r.at("/usage/completion_tokens").asInt());
        assertEquals(produced.finish() == FinishReason.LENGTH ? "length" : "stop", r.path("finish").asText());
        assertEquals(16, TRACKER.last().request().answerMaxTokens(), "max_completion_tokens bounds the answer");
        assertEquals(7, TRACKER.last().request().sampling().seed().getAsLong());
    }

    @Test
    void streamDeliversReasoningDeltasApartFromContentAndEndsWithUsage() throws Exception {
        JsonNode r = node("stream");
        Reasoning produced = lastResult();
        assertEquals(produced.thinking(), r.path("reasoning").asText());
        assertEquals(produced.answer(), r.path("content").asText());
        assertEquals("[\"assistant\"]", r.path("roles").toString());
        assertEquals(1, r.path("ids").asInt(), "one completion id across the chunks");
        assertEquals(produced.usage().thinkingTokens(),
                r.at("/usage/completion_tokens_details/reasoning_tokens").asInt());
        assertEquals(256, TRACKER.last().request().thinkingBudget().maxTokens(), "reasoning_effort low");
        assertTrue(r.path("chunks").asInt() > 3);
    }

    @Test
    void jsonSchemaAnswersValidateBlockingAndStreamed() throws Exception {
        JsonNode r = node("schema");
        AnswerFormat.Json format = (AnswerFormat.Json) AnswerFormat.jsonSchema(r.path("schema"));
        JsonNode blocking = format.parseAnswer(r.path("blocking").asText());
        JsonNode streamed = format.parseAnswer(r.path("streamed").asText());
        assertTrue(blocking.path("prime").isBoolean() && streamed.path("prime").isBoolean());
        assertFalse(r.path("blockingReasoning").asText().isEmpty());
        assertFalse(r.path("streamedReasoning").asText().isEmpty());
    }

    @Test
    void aWrongKeyIsAnAuthenticationError() throws Exception {
        JsonNode r = node("badkey");
        for (String call : List.of("models", "chat")) {
            JsonNode e = r.path(call);
            assertEquals(401, e.path("status").asInt(), e.toString());
            assertEquals("AuthenticationError", e.path("name").asText(), e.toString());
            assertEquals("invalid_api_key", e.path("code").asText(), e.toString());
            assertFalse(e.path("message").asText().contains("not-the-key"));
        }
    }

    @Test
    void badRequestsAreTypedClientErrors() throws Exception {
        JsonNode r = node("errors");
        assertEquals(404, r.at("/unknownModel/status").asInt(), r.toString());
        assertEquals("NotFoundError", r.at("/unknownModel/name").asText());
        assertEquals("model_not_found", r.at("/unknownModel/code").asText());
        assertEquals(400, r.at("/invalidSchema/status").asInt());
        assertEquals("invalid_schema", r.at("/invalidSchema/code").asText());
        assertEquals("BadRequestError", r.at("/tools/name").asText());
        assertEquals("temperature", r.at("/temperature/param").asText());
    }

    @Test
    void twoStreamsRunAtTheSameTime() throws Exception {
        TRACKER.barrier = new CountDownLatch(2); // each call's first token waits until both calls have one
        try {
            JsonNode r = NodeClient.run(server, KEY, "parallel", Map.of("PARALLEL", "2"));
            for (JsonNode run : r.path("runs")) {
                assertTrue(run.path("reasoning").asInt() > 0, r.toString());
                assertTrue(run.path("finish").isTextual(), r.toString());
            }
        } finally {
            TRACKER.barrier = null;
        }
        assertEquals(0, TRACKER.barrierTimeouts.get(), "both calls generated at once");
        assertTrue(TRACKER.peak.get() >= 2);
    }

    @Test
    void aClientThatLeavesMidStreamCancelsItsGenerationAndTheServerGoesOn() throws Exception {
        // the 5th event waits until the call is cancelled: the stream is still running when the client leaves after
        // 3 thinking chunks, whatever the model does; the server then learns of it from its next (keep-alive) write
        TRACKER.holdAfterEvents = 5;
        JsonNode r;
        try {
            r = node("disconnect");
        } finally {
            TRACKER.holdAfterEvents = 0;
        }
        assertEquals(3, r.path("seen").asInt());
        assertTrue(r.path("after").isTextual(), "the next request was served: " + r);
        RecordingModel.Recorded left = TRACKER.calls.stream()
                .filter(c -> c.request().thinkingBudget().maxTokens() == 1700).reduce((a, b) -> b).orElseThrow();
        Reasoning produced = left.call().future().get(30, TimeUnit.SECONDS);
        assertEquals(FinishReason.CANCELLED, produced.finish(), () -> produced.usage() + " " + produced.timings()
                + " node: " + r);
        assertTrue(produced.usage().thinkingTokens() < 1700, "stopped early: " + produced.usage());
    }
}

package dev.deliberate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.FinishReason;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP layer on a scripted test double (no inference): routes, error shapes and statuses, the queue bound,
 * cancellation on disconnect and the shutdown sequence. Real clients on real llama.cpp are in the *IT classes.
 */
class OpenAiServerTest {

    static final String KEY = "test-key-1234";
    static final String MODEL = "scripted";

    ScriptedModel model;
    ModelPool pool;
    OpenAiServer server;

    void start(ScriptedModel m, ServerConfig.Builder config) {
        model = m;
        pool = ModelPool.of(List.of(m));
        server = OpenAiServer.start(pool, config.port(0).apiKey(ApiKey.of(KEY)).build());
    }

    void start(ScriptedModel m) {
        start(m, ServerConfig.builder());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    URI url(String path) {
        return URI.create(server.baseUrl() + path);
    }

    static String chat(String extra) {
        return "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Is 1013 prime?\"}]"
                + extra + "}";
    }

    static ScriptedModel thinker() {
        return new ScriptedModel(List.of("Let me ", "check."), "Yes.");
    }

    @Test
    void modelsListsTheServedModelAndModelIdFindsIt() throws Exception {
        start(thinker());
        Http.Reply list = Http.get(url("/models"), KEY);
        assertEquals(200, list.status());
        assertEquals("list", list.json().path("object").asText());
        assertEquals(MODEL, list.json().at("/data/0/id").asText());
        assertEquals(200, Http.get(url("/models/" + MODEL), KEY).status());
        Http.Reply missing = Http.get(url("/models/other"), KEY);
        assertEquals(404, missing.status());
        assertEquals("model_not_found", missing.errorCode());
    }

    @Test
    void blockingCompletionPutsThinkingInReasoningContentOnly() throws Exception {
        start(thinker());
        Http.Reply r = Http.post(url("/chat/completions"), KEY, chat(",\"thinking_budget\":7"));
        assertEquals(200, r.status(), r.json().toString());
        JsonNode message = r.json().at("/choices/0/message");
        assertEquals("Yes.", message.path("content").asText());
        assertEquals("Let me check.", message.path("reasoning_content").asText());
        assertEquals("stop", r.json().at("/choices/0/finish_reason").asText());
        assertEquals(2, r.json().at("/usage/completion_tokens_details/reasoning_tokens").asInt());
        assertEquals(4, r.json().at("/usage/completion_tokens").asInt());
        assertEquals("chat.completion", r.json().path("object").asText());
        assertEquals(7, model.requests.get(0).thinkingBudget().maxTokens());
    }

    @Test
    void streamSendsRoleThenReasoningThenContentThenFinishUsageAndDone() throws Exception {
        start(thinker());
        List<JsonNode> chunks = Http.stream(url("/chat/completions"), KEY,
                chat(",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertEquals("assistant", chunks.get(0).at("/choices/0/delta/role").asText());
        assertEquals("Let me check.", Http.deltas(chunks, "reasoning_content"));
        assertEquals("Yes.", Http.deltas(chunks, "content"));
        JsonNode usage = chunks.get(chunks.size() - 2);
        assertEquals(0, usage.path("choices").size());
        assertEquals(2, usage.at("/usage/completion_tokens_details/reasoning_tokens").asInt());
        assertEquals("stop", chunks.get(chunks.size() - 3).at("/choices/0/finish_reason").asText());
        assertEquals("[DONE]", chunks.get(chunks.size() - 1).asText());
        for (JsonNode c : chunks.subList(0, chunks.size() - 1)) {
            assertEquals("chat.completion.chunk", c.path("object").asText());
            assertEquals(chunks.get(0).path("id").asText(), c.path("id").asText());
            assertFalse(c.at("/choices/0/delta/content").asText().contains("check"), "no thinking in content");
        }
    }

    @Test
    void schemaAnswerIsStreamedOnceValidatedAndParsedForBlockingCalls() throws Exception {
        start(new ScriptedModel(List.of("hm"), "{\"prime\":true}"));
        String format = ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"p\",\"strict\":true,"
                + "\"schema\":{\"type\":\"object\",\"properties\":{\"prime\":{\"type\":\"boolean\"}},"
                + "\"required\":[\"prime\"]}}}";
        List<JsonNode> chunks = Http.stream(url("/chat/completions"), KEY, chat(format + ",\"stream\":true"));
        List<String> contents = chunks.stream().map(c -> c.at("/choices/0/delta/content"))
                .filter(JsonNode::isTextual).map(JsonNode::asText).filter(s -> !s.isEmpty()).toList();
        assertEquals(List.of("{\"prime\":true}"), contents, "one content delta: the validated answer");
        Http.Reply r = Http.post(url("/chat/completions"), KEY, chat(format));
        assertTrue(Http.JSON.readTree(r.json().at("/choices/0/message/content").asText()).path("prime").asBoolean());
    }

    @Test
    void anAnswerThatFailsTheSchemaIs422NotContent() throws Exception {
        start(new ScriptedModel(List.of("hm"), "not json"));
        Http.Reply r = Http.post(url("/chat/completions"), KEY, chat(",\"response_format\":{\"type\":\"json_object\"}"));
        assertEquals(422, r.status(), r.json().toString());
        assertEquals("invalid_answer", r.errorCode());
    }

    @Test
    void missingOrWrongKeyIs401InOpenAiShapeWithoutEchoingTheKey() throws Exception {
        start(thinker());
        for (String key : new String[] {null, "wrong-key-5678", ""}) {
            Http.Reply r = Http.get(url("/models"), key);
            assertEquals(401, r.status());
            assertEquals("invalid_api_key", r.errorCode());
            assertEquals("invalid_request_error", r.errorType());
            assertTrue(r.json().path("error").has("param"));
            assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(""));
            assertFalse(r.json().toString().contains("wrong-key"));
        }
        assertEquals(401, Http.post(url("/chat/completions"), "x", chat("")).status());
        assertEquals(200, Http.get(URI.create("http://127.0.0.1:" + server.port() + "/health"), null).status());
        assertEquals(0, model.requests.size());
    }

    @Test
    void badRequestsGetTheirStatusAndCodeAndTheServerKeepsServing() throws Exception {
        start(thinker(), ServerConfig.builder().maxBodyBytes(64 * 1024));
        record Case(String body, int status, String code, String param) { }
        List<Case> cases = List.of(
                new Case("{\"model\":", 400, "invalid_json", ""),
                new Case("", 400, "", ""),
                new Case("[1]", 400, "", ""),
                new Case("{\"model\":\"scripted\"} trailing", 400, "invalid_json", ""),
                new Case("[".repeat(100) + "]".repeat(100), 400, "invalid_json", ""),
                new Case(chat("").replace(MODEL, "gpt-4o"), 404, "model_not_found", "model"),
                new Case("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400, "", "model"),
                new Case(chat("").replace("\"user\"", "\"tool\""), 400, "", "messages[0].role"),
                new Case(chat(",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":"
                        + "{\"type\":\"objekt\"}}}"), 400, "invalid_schema", "response_format.json_schema.schema"),
                new Case(chat(",\"response_format\":{\"type\":\"xml\"}"), 400, "", "response_format.type"),
                new Case(chat(",\"temperature\":3"), 400, "", "temperature"),
                new Case(chat(",\"max_tokens\":0"), 400, "", "max_tokens"),
                new Case(chat(",\"max_completion_tokens\":1.5"), 400, "", "max_completion_tokens"),
                new Case(chat(",\"thinking_budget\":-1"), 400, "", "thinking_budget"),
                new Case(chat(",\"reasoning_effort\":\"extreme\""), 400, "", "reasoning_effort"),
                new Case(chat(",\"n\":2"), 400, "", "n"),
                new Case(chat(",\"tools\":[{\"type\":\"function\"}]"), 400, "", "tools"),
                new Case(chat(",\"stop\":[\"\"]"), 400, "", "stop"),
                new Case(chat(",\"stream\":\"yes\""), 400, "", "stream"),
                new Case(chat("").replace("\"Is 1013 prime?\"", "[{\"type\":\"image_url\"}]"), 400, "",
                        "messages[0].content"),
                new Case("{\"model\":\"scripted\",\"messages\":\"" + "x".repeat(70 * 1024) + "\"}", 413,
                        "request_too_large", ""));
        for (Case c : cases) {
            Http.Reply r = Http.post(url("/chat/completions"), KEY, c.body());
            String what = c.body().substring(0, Math.min(80, c.body().length())) + " -> " + r.json();
            assertEquals(c.status(), r.status(), what);
            assertTrue(r.json().path("error").path("message").isTextual(), what);
            assertTrue(r.json().path("error").has("type") && r.json().path("error").has("code"), what);
            if (!c.code().isEmpty()) {
                assertEquals(c.code(), r.errorCode(), what);
            }
            if (!c.param().isEmpty()) {
                assertEquals(c.param(), r.json().path("error").path("param").asText(), what);
            }
        }
        assertEquals(404, Http.post(url("/embeddings"), KEY, "{}").status());
        assertEquals(405, Http.get(url("/chat/completions"), KEY).status());
        assertEquals(0, model.requests.size(), "no bad request reached the model");
        assertEquals(200, Http.post(url("/chat/completions"), KEY, chat("")).status(), "still serving");
    }

    @Test
    void aBodyOverTheLimitSentInChunksIs413() throws Exception {
        start(thinker(), ServerConfig.builder().maxBodyBytes(8 * 1024));
        byte[] big = ("{\"model\":\"scripted\",\"pad\":\"" + "y".repeat(20_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        // a publisher of unknown length: sent chunked, so only counting can bound it
        HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(big));
        Http.Reply r = Http.post(url("/chat/completions"), KEY, chunked);
        assertEquals(413, r.status());
        assertEquals("request_too_large", r.errorCode());
    }

    @Test
    void fullQueueIs429WithRetryAfterAndAQueuedRequestWaitsForTheInstance() throws Exception {
        start(thinker().hold(), ServerConfig.builder().maxQueued(1));
        CompletableFuture<Http.Reply> first = CompletableFuture.supplyAsync(() -> post(chat("")));
        assertTrue(model.started.await(30, TimeUnit.SECONDS));
        CompletableFuture<Http.Reply> queued = CompletableFuture.supplyAsync(() -> post(chat("")));
        URI health = URI.create("http://127.0.0.1:" + server.port() + "/health");
        int inFlight = 0;
        for (int i = 0; i < 2000 && inFlight < 2; i++) {
            inFlight = Http.get(health, null).json().path("in_flight").asInt(); // until the second is admitted
        }
        assertEquals(2, inFlight, "the second request waits in the queue");
        Http.Reply busy = post(chat(""));
        assertEquals(429, busy.status());
        assertEquals("rate_limit_exceeded", busy.errorCode());
        assertTrue(Integer.parseInt(busy.headers().firstValue("Retry-After").orElse("0")) >= 1);
        model.release();
        assertEquals(200, first.get(30, TimeUnit.SECONDS).status());
        assertEquals(200, queued.get(30, TimeUnit.SECONDS).status());
        assertEquals(200, post(chat("")).status(), "serves again once the queue has drained");
    }

    Http.Reply post(String body) {
        try {
            return Http.post(url("/chat/completions"), KEY, body);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aClientThatDisconnectsMidStreamCancelsItsCall() throws Exception {
        start(new ScriptedModel(List.of(), "").forever());
        String body = chat(",\"stream\":true");
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            String seen = "";
            byte[] buf = new byte[4096];
            while (!seen.contains("reasoning_content")) {
                int n = in.read(buf);
                assertTrue(n > 0, "stream ended early: " + seen);
                seen += new String(buf, 0, n, StandardCharsets.UTF_8);
            }
        } // closed mid-stream
        assertTrue(model.ended.await(30, TimeUnit.SECONDS), "the call ended after the client left");
        assertEquals(FinishReason.CANCELLED, model.results.get(0).finish());
        assertEquals(200, Http.get(URI.create("http://127.0.0.1:" + server.port() + "/health"), null).status());
    }

    @Test
    void closeLetsARequestInFlightFinishAndRefusesNewOnes() throws Exception {
        start(thinker().hold(), ServerConfig.builder().shutdownGrace(Duration.ofSeconds(30)));
        CompletableFuture<List<JsonNode>> stream = CompletableFuture.supplyAsync(() -> {
            try {
                return Http.stream(url("/chat/completions"), KEY, chat(",\"stream\":true"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(model.started.await(30, TimeUnit.SECONDS));
        URI health = URI.create("http://127.0.0.1:" + server.port() + "/health");
        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        int status = 200;
        for (int i = 0; i < 500 && status == 200; i++) {
            status = Http.get(health, null).status(); // turns 503 as soon as close() has begun
        }
        assertEquals(503, status);
        assertEquals(503, post(chat("")).status());
        assertFalse(closing.isDone(), "close waits for the request in flight");
        model.release();
        List<JsonNode> chunks = stream.get(30, TimeUnit.SECONDS);
        assertEquals("[DONE]", chunks.get(chunks.size() - 1).asText());
        assertEquals("Yes.", Http.deltas(chunks, "content"));
        closing.get(30, TimeUnit.SECONDS);
    }

    @Test
    void closeCancelsWhatIsStillRunningAfterTheGraceAndEndsTheStreamWithAnError() throws Exception {
        start(new ScriptedModel(List.of(), "").forever(), ServerConfig.builder().shutdownGrace(Duration.ZERO));
        CompletableFuture<List<JsonNode>> stream = CompletableFuture.supplyAsync(() -> {
            try {
                return Http.stream(url("/chat/completions"), KEY, chat(",\"stream\":true"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(model.started.await(30, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        server.close();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "close is bounded");
        List<JsonNode> chunks = stream.get(30, TimeUnit.SECONDS);
        JsonNode last = chunks.get(chunks.size() - 1);
        assertEquals("server_shutting_down", last.at("/error/code").asText(), last.toString());
        assertEquals(FinishReason.CANCELLED, model.results.get(0).finish());
    }
}

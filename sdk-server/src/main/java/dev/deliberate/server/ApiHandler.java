package dev.deliberate.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.core.ContextOverflowException;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.InvalidAnswerException;
import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.InvalidSchemaException;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningCall;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.ReasoningListener;
import dev.deliberate.core.ReasoningModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of the OpenAI API: {@code GET /v1/models}, {@code GET /v1/models/{id}},
 * {@code POST /v1/chat/completions}, and {@code GET /health} (unauthenticated, for probes).
 *
 * <p>Each request runs on a Jetty thread that blocks: while it waits for a model instance, and while it writes. The
 * model's generation thread never writes to the network: its listener only queues events, and the request thread
 * sends them (several at once when they queued up), so a slow client slows only its own stream, and a client that has
 * gone (a write fails) cancels its call. Nothing here logs a header, so the API key never reaches a log.
 */
final class ApiHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    /**
     * A silent stream (a schema answer being generated, a model slow to the next token) sends an SSE comment this
     * often: it keeps proxies from timing out and lets the server notice a client that has gone.
     */
    private static final long KEEP_ALIVE_SECONDS = 2;
    /** A body over the limit but at most this large is read and dropped, so that the client sees the 413. */
    private static final long DRAIN_LIMIT = 64L << 20;

    private final ModelPool pool;
    private final ServerConfig config;
    private final String modelId;
    private final String fingerprint;
    private final ObjectMapper mapper;
    private final Semaphore admission;
    private final Set<ReasoningCall> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean closing;
    /** Moving average of call durations, for {@code Retry-After}. */
    private volatile double averageCallSeconds = 1;

    ApiHandler(ModelPool pool, ServerConfig config, String modelId) {
        this.pool = pool;
        this.config = config;
        this.modelId = modelId;
        this.fingerprint = "deliberate-" + pool.info().sha256().map(s -> s.substring(0, Math.min(12, s.length())))
                .orElse(pool.info().backend().replaceAll("[^A-Za-z0-9.-]", ""));
        this.mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        this.mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, config.maxBodyBytes()))
                .build());
        this.admission = new Semaphore(pool.size() + config.maxQueued());
    }

    ObjectMapper mapper() {
        return mapper;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            route(request, response);
            callback.succeeded();
        } catch (ApiException e) {
            if (response.isCommitted()) {
                callback.failed(e);
            } else {
                sendError(request, response, callback, e);
            }
        } catch (ClientGone e) {
            LOG.debug("client went away: {}", e.getMessage());
            callback.failed(e);
        } catch (RuntimeException | Error e) {
            LOG.warn("request {} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
            if (response.isCommitted()) {
                callback.failed(e);
            } else {
                sendError(request, response, callback, new ApiException(500, "server_error", null, null,
                        "internal error: " + e.getClass().getSimpleName()));
            }
        }
        return true;
    }

    private void route(Request request, Response response) {
        String path = request.getHttpURI().getPath();
        if (path == null) {
            path = "/";
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String method = request.getMethod();
        if (path.equals("/health")) {
            requireMethod(method, "GET", path);
            ObjectNode health = mapper.createObjectNode().put("status", closing ? "shutting_down" : "ok")
                    .put("model", modelId).put("instances", pool.size()).put("in_flight", inFlight.get());
            sendJson(response, closing ? 503 : 200, health);
            return;
        }
        if (!path.equals("/v1") && !path.startsWith("/v1/")) {
            throw unknownUrl(method, path);
        }
        authorize(request);
        if (path.equals("/v1/models")) {
            requireMethod(method, "GET", path);
            ObjectNode list = mapper.createObjectNode().put("object", "list");
            list.putArray("data").add(modelObject());
            sendJson(response, 200, list);
        } else if (path.startsWith("/v1/models/")) {
            requireMethod(method, "GET", path);
            String id = path.substring("/v1/models/".length());
            if (!id.equals(modelId)) {
                throw new ApiException(404, "invalid_request_error", "model_not_found", "model",
                        "The model '" + ChatRequest.clip(id) + "' does not exist; this server serves '" + modelId
                                + "'");
            }
            sendJson(response, 200, modelObject());
        } else if (path.equals("/v1/chat/completions")) {
            requireMethod(method, "POST", path);
            chat(request, response);
        } else {
            throw unknownUrl(method, path);
        }
    }

    private ObjectNode modelObject() {
        return mapper.createObjectNode().put("id", modelId).put("object", "model").put("created", 0)
                .put("owned_by", "deliberate");
    }

    private static ApiException unknownUrl(String method, String path) {
        return new ApiException(404, "invalid_request_error", "unknown_url", null,
                "Invalid URL (" + method + " " + ChatRequest.clip(path) + ")");
    }

    private static void requireMethod(String method, String expected, String path) {
        if (!method.equals(expected)) {
            throw new ApiException(405, "invalid_request_error", "method_not_allowed", null,
                    "Method " + ChatRequest.clip(method) + " is not allowed on " + path + " (use " + expected + ")");
        }
    }

    /** Checks the Bearer key (when one is configured); the presented value is never logged or echoed. */
    private void authorize(Request request) {
        if (config.apiKey().isEmpty()) {
            return;
        }
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim() : "";
        if (!config.apiKey().get().matches(presented)) {
            throw new ApiException(401, "invalid_request_error", "invalid_api_key", null,
                    header == null ? "Missing API key: send it as 'Authorization: Bearer KEY'."
                            : "Incorrect API key provided.");
        }
    }

    private void chat(Request request, Response response) {
        if (closing) {
            throw shuttingDown();
        }
        JsonNode body = parseJson(readBody(request));
        ChatRequest chat = ChatRequest.parse(body, modelId, config.efforts(), config.profile());
        if (!admission.tryAcquire()) {
            long retry = Math.max(1, Math.min(60, Math.round(Math.ceil(averageCallSeconds
                    * (config.maxQueued() + pool.size()) / (double) pool.size()))));
            ApiException busy = new ApiException(429, "rate_limit_error", "rate_limit_exceeded", null,
                    "All " + pool.size() + " model instances are busy and " + config.maxQueued()
                            + " requests are already waiting; retry after " + retry + " s.");
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(retry));
            throw busy;
        }
        inFlight.incrementAndGet();
        try {
            ReasoningModel model;
            try {
                model = pool.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                admission.release();
                throw shuttingDown();
            } catch (RuntimeException e) {
                admission.release();
                throw e;
            }
            run(request, response, chat, model);
        } finally {
            if (inFlight.decrementAndGet() == 0) {
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
        }
    }

    /** Runs one call on {@code model}; the model (and the admission permit) go back when the call has ended. */
    private void run(Request request, Response response, ChatRequest chat, ReasoningModel model) {
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                pool.give(model);
                admission.release();
            }
        };
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        ReasoningListener listener = chat.stream() ? event -> {
            if (!(event instanceof ReasoningEvent.Done)) {
                events.add(event);
            }
        } : ReasoningListener.IGNORE;
        ReasoningCall call;
        try {
            if (closing) {
                throw shuttingDown();
            }
            call = model.start(chat.request(), listener);
        } catch (InvalidSchemaException e) {
            release.run();
            throw ApiException.badRequest("response_format.json_schema.schema", "invalid_schema", e.getMessage());
        } catch (ContextOverflowException e) {
            release.run();
            throw ApiException.badRequest("messages", "context_length_exceeded", e.getMessage());
        } catch (InvalidRequestException e) {
            release.run();
            throw ApiException.badRequest(null, e.getMessage());
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
        live.add(call);
        long started = System.nanoTime();
        call.future().whenComplete((r, e) -> {
            live.remove(call);
            double seconds = (System.nanoTime() - started) / 1e9;
            averageCallSeconds = 0.8 * averageCallSeconds + 0.2 * seconds;
            release.run();
            events.add(new End(r, e));
        });
        request.addFailureListener(failure -> call.cancel());
        ChatJson json = new ChatJson(mapper, "chatcmpl-" + UUID.randomUUID().toString().replace("-", ""),
                Instant.now().getEpochSecond(), modelId, fingerprint);
        if (chat.stream()) {
            stream(response, chat, call, events, json);
        } else {
            sendJson(response, 200, json.completion(await(call)));
        }
    }

    private Reasoning await(ReasoningCall call) {
        Reasoning r;
        try {
            r = call.future().get();
        } catch (InterruptedException e) {
            call.cancel();
            Thread.currentThread().interrupt();
            throw shuttingDown();
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        }
        if (r.finish() == FinishReason.CANCELLED) {
            throw cancelled();
        }
        return r;
    }

    /** What a failed call becomes for the client. */
    private ApiException failure(Throwable cause) {
        if (cause instanceof InvalidAnswerException e) {
            return new ApiException(422, "invalid_answer_error", "invalid_answer", "response_format",
                    "the model gave no answer valid against the JSON Schema: " + e.getMessage());
        }
        LOG.warn("generation failed", cause);
        return new ApiException(500, "server_error", "generation_failed", null,
                "generation failed: " + (cause instanceof DeliberateException ? cause.getMessage()
                        : cause.getClass().getSimpleName()));
    }

    private ApiException cancelled() {
        return closing ? new ApiException(503, "server_error", "server_shutting_down", null,
                "the server is shutting down; the generation was cancelled")
                : new ApiException(500, "server_error", "cancelled", null, "the generation was cancelled");
    }

    private static ApiException shuttingDown() {
        return new ApiException(503, "server_error", "server_shutting_down", null, "the server is shutting down");
    }

    /** Streams the call as server-sent events; a failed write cancels the call. */
    private void stream(Response response, ChatRequest chat, ReasoningCall call, BlockingQueue<Object> events,
            ChatJson json) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("X-Accel-Buffering", "no");
        StringBuilder out = new StringBuilder(1024);
        data(out, json.roleChunk());
        List<Object> batch = new ArrayList<>();
        boolean ended = false;
        try {
            write(response, out, false);
            while (!ended) {
                Object first = events.poll(KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
                out.setLength(0);
                if (first == null) {
                    out.append(": keep-alive\n\n");
                } else {
                    batch.clear();
                    batch.add(first);
                    events.drainTo(batch);
                    for (Object e : batch) {
                        if (e instanceof ReasoningEvent.ThinkingDelta t) {
                            data(out, json.deltaChunk(t.text(), true));
                        } else if (e instanceof ReasoningEvent.AnswerDelta a) {
                            if (!chat.schemaAnswer()) {
                                data(out, json.deltaChunk(a.text(), false));
                            }
                        } else if (e instanceof End end) {
                            end(out, chat, json, end);
                            ended = true;
                        }
                    }
                }
                write(response, out, ended);
            }
        } catch (IOException e) {
            call.cancel();
            throw new ClientGone("stream closed by the client; generation cancelled (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            call.cancel();
            Thread.currentThread().interrupt();
            throw new ClientGone("stream interrupted by shutdown; generation cancelled", e);
        }
    }

    /** The end of a stream: the answer of a schema call, the finish chunk, usage, {@code [DONE]} — or an error. */
    private void end(StringBuilder out, ChatRequest chat, ChatJson json, End end) {
        if (end.failure != null || end.result.finish() == FinishReason.CANCELLED) {
            ApiException e = end.failure != null ? failure(end.failure instanceof java.util.concurrent
                    .CompletionException c && c.getCause() != null ? c.getCause() : end.failure) : cancelled();
            data(out, ChatJson.error(mapper, e));
            return;
        }
        Reasoning r = end.result;
        if (chat.schemaAnswer() && !r.answer().isEmpty()) {
            data(out, json.deltaChunk(r.answer(), false));
        }
        data(out, json.finishChunk(r));
        if (chat.includeUsage()) {
            data(out, json.usageChunk(r));
        }
        out.append("data: [DONE]\n\n");
    }

    private void data(StringBuilder out, ObjectNode chunk) {
        out.append("data: ").append(chunk.toString()).append("\n\n");
    }

    private static void write(Response response, CharSequence text, boolean last) throws IOException {
        write(response, StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(text)), last);
    }

    private static void write(Response response, ByteBuffer bytes, boolean last) throws IOException {
        try (Blocker.Callback cb = Blocker.callback()) {
            response.write(last, bytes, cb);
            cb.block();
        }
    }

    /** Reads the body, bounded: over the limit is 413 (a body of up to 64 MiB is drained first, so the client sees it). */
    private byte[] readBody(Request request) {
        long max = config.maxBodyBytes();
        long declared = request.getLength();
        ApiException tooLarge = new ApiException(413, "invalid_request_error", "request_too_large", null,
                "the request body is larger than the limit of " + max + " bytes");
        if (declared > DRAIN_LIMIT) {
            throw tooLarge;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 1024), max));
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        try (InputStream in = Request.asInputStream(request)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
                if (total > max) {
                    if (total > DRAIN_LIMIT) {
                        throw tooLarge;
                    }
                    continue; // drain
                }
                body.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new ClientGone("could not read the request body: " + e.getMessage(), e);
        }
        if (total > max) {
            throw tooLarge;
        }
        return body.toByteArray();
    }

    private JsonNode parseJson(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest(null, "the request body is empty; send a JSON object");
        }
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ApiException.badRequest(null, "the request body is empty; send a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest(null, "invalid_json", "the request body is not valid JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest(null, "invalid_json", "the request body is not valid JSON: "
                    + e.getMessage());
        }
    }

    private void sendJson(Response response, int status, ObjectNode body) {
        response.setStatus(status);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Integer.toString(bytes.length));
        try {
            write(response, ByteBuffer.wrap(bytes), true);
        } catch (IOException e) {
            throw new ClientGone("could not send the response: " + e.getMessage(), e);
        }
    }

    private void sendError(Request request, Response response, Callback callback, ApiException e) {
        if (e.status >= 500) {
            LOG.debug("{} {} -> {} {}", request.getMethod(), request.getHttpURI().getPath(), e.status, e.getMessage());
        }
        byte[] bytes = ChatJson.error(mapper, e).toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(e.status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (e.status == 401) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
        }
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /**
     * Stops taking requests, lets those in flight finish for the grace period, then cancels the rest and waits (up
     * to {@code cancelWait}) until their handlers have returned.
     */
    void shutdown(long graceMillis, long cancelWaitMillis) throws InterruptedException {
        closing = true;
        awaitIdle(graceMillis);
        if (inFlight.get() > 0 || !live.isEmpty()) {
            LOG.info("shutdown: cancelling {} generation(s) still running after the grace period", live.size());
            live.forEach(ReasoningCall::cancel);
            awaitIdle(cancelWaitMillis);
        }
    }

    private void awaitIdle(long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
    }

    /** The end of a call: its result or its failure. */
    private record End(Reasoning result, Throwable failure) { }

    /** The client closed the connection or stopped reading: nothing more can be sent. */
    static final class ClientGone extends DeliberateException {
        private static final long serialVersionUID = 1L;

        ClientGone(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

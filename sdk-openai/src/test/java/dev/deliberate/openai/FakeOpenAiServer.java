package dev.deliberate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test double of an OpenAI-compatible reasoning server on 127.0.0.1 (a free port): a simulated model that
 * "thinks" seeded pseudo-words, one token per chunk, then answers; honours {@code max_tokens}, {@code seed}, an
 * assistant prefix to continue, and {@code response_format: json_schema} (answers a schema instance); reports usage
 * with {@code completion_tokens_details.reasoning_tokens}. It returns reasoning the way a chosen server family does
 * ({@link Dialect}), and can be told to misbehave for the next requests ({@link Fault}) or to replay a recorded SSE
 * fixture. It is a test double for the client's behaviour, not a model: the words mean nothing.
 */
public final class FakeOpenAiServer implements AutoCloseable {

    /** How the server returns reasoning. */
    public enum Dialect {
        /** {@code delta.reasoning_content} (DeepSeek API, llama.cpp server, SGLang, older vLLM). */
        REASONING_CONTENT,
        /** {@code delta.reasoning} (current vLLM, OpenRouter). */
        REASONING,
        /** inline {@code <think>...</think>} in {@code content} (Ollama without think, servers that do not split). */
        INLINE
    }

    /** A misbehaviour for one request. */
    public sealed interface Fault {
        /** Answer with this status, an OpenAI error body and optionally {@code Retry-After}. */
        record Status(int code, String retryAfter) implements Fault { }

        /** Send {@code text} as the body of an event stream (garbage, early close, recorded fixtures). */
        record Raw(String text) implements Fault { }

        /** Stream {@code tokens} tokens, then stall until the server closes. */
        record StallAfter(int tokens) implements Fault { }

        /** Stream {@code tokens} tokens, then close the connection without finishing. */
        record CloseAfter(int tokens) implements Fault { }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = {"so", "the", "number", "is", "odd", "check", "three", "seven", "then",
        "maybe", "divide", "prime", "wait", "again", "sum", "digits", "eleven", "thirteen", "hmm", "yes"};

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-openai");
        t.setDaemon(true);
        return t;
    });
    private final Dialect dialect;
    private final String modelId;
    private final String apiKey;
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    /** Bodies of the chat requests received, in order. */
    public final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    /** {@code Authorization} headers received, in order (null for none). */
    public final List<String> authorizations = new CopyOnWriteArrayList<>();
    /** Chat requests received. */
    public final AtomicInteger chats = new AtomicInteger();
    private volatile int thinkingTokens = 300;
    private volatile long tokenDelayMicros = 500;
    private volatile int contextLength = 4096;
    private volatile boolean honourSchema = true;

    /**
     * @param dialect how reasoning is returned
     * @param modelId the one model listed by {@code /v1/models}
     * @param apiKey  the key required as {@code Bearer}; null accepts any request
     */
    public FakeOpenAiServer(Dialect dialect, String modelId, String apiKey) throws IOException {
        this.dialect = dialect;
        this.modelId = modelId;
        this.apiKey = apiKey;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/v1/models", this::models);
        server.createContext("/v1/chat/completions", this::chat);
        server.start();
    }

    /** The base URL, ending in {@code /v1}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    /** Thinks {@code n} tokens before answering (default 300). */
    public FakeOpenAiServer thinking(int n) {
        thinkingTokens = n;
        return this;
    }

    /** Waits this long between tokens (default 500 µs; 0 streams as fast as possible). */
    public FakeOpenAiServer tokenDelayMicros(long micros) {
        tokenDelayMicros = micros;
        return this;
    }

    /** Whether {@code response_format: json_schema} is honoured (else the answer is prose). */
    public FakeOpenAiServer honourSchema(boolean on) {
        honourSchema = on;
        return this;
    }

    /** Queues a misbehaviour for the next chat request. */
    public FakeOpenAiServer fault(Fault fault) {
        faults.add(fault);
        return this;
    }

    private boolean authorised(HttpExchange x) throws IOException {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        if (apiKey == null || ("Bearer " + apiKey).equals(auth)) {
            return true;
        }
        // like OpenAI, echo part of the key that was sent: the client must not let it through
        String sent = auth == null ? "" : auth.replaceFirst("^Bearer ", "");
        String shown = sent.length() > 12 ? sent.substring(0, 10) + "*****" + sent.substring(sent.length() - 4) : sent;
        error(x, 401, "Incorrect API key provided: " + shown + ".", null);
        return false;
    }

    private void models(HttpExchange x) throws IOException {
        try (x) {
            if (!authorised(x)) {
                return;
            }
            ObjectNode body = JSON.createObjectNode().put("object", "list");
            body.putArray("data").addObject().put("id", modelId).put("object", "model").put("owned_by", "test")
                    .put("max_model_len", contextLength);
            send(x, 200, "application/json", JSON.writeValueAsBytes(body));
        }
    }

    private void chat(HttpExchange x) throws IOException {
        try (x) {
            authorizations.add(x.getRequestHeaders().getFirst("Authorization"));
            if (!authorised(x)) {
                return;
            }
            JsonNode body;
            try {
                body = JSON.readTree(x.getRequestBody().readNBytes(8 << 20));
            } catch (IOException e) {
                error(x, 400, "malformed JSON", null);
                return;
            }
            requests.add(body);
            chats.incrementAndGet();
            Fault fault = faults.poll();
            if (fault instanceof Fault.Status s) {
                error(x, s.code(), "simulated failure " + s.code(), s.retryAfter());
                return;
            }
            if (fault instanceof Fault.Raw r) {
                x.getResponseHeaders().add("Content-Type", "text/event-stream");
                x.sendResponseHeaders(200, 0);
                x.getResponseBody().write(r.text().getBytes(StandardCharsets.UTF_8));
                return;
            }
            int promptChars = 0;
            for (JsonNode m : body.path("messages")) {
                promptChars += m.path("content").asText().length();
            }
            int promptTokens = promptChars / 4 + 1;
            if (promptTokens > contextLength) {
                error(x, 400, "This model's maximum context length is " + contextLength + " tokens", null);
                return;
            }
            List<String[]> script = script(body, promptTokens);
            boolean stream = body.path("stream").asBoolean(false);
            int max = body.path("max_tokens").asInt(Integer.MAX_VALUE);
            if (stream) {
                stream(x, script, max, promptTokens, fault);
            } else {
                blocking(x, script, max, promptTokens);
            }
        } catch (IOException e) {
            // the client went away: fine
        }
    }

    /** Pieces as {channel, text}: channel "r" (reasoning) or "c" (content). */
    private List<String[]> script(JsonNode body, int promptTokens) {
        JsonNode messages = body.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        boolean continuing = "assistant".equals(last.path("role").asText());
        boolean closed = continuing && last.path("content").asText().contains("</think>");
        long seed = body.path("seed").asLong(0) * 31 + messages.toString().replaceAll(
                "\"role\":\"assistant\".*", "").hashCode();
        Random random = new Random(seed);
        List<String[]> out = new ArrayList<>();
        if (!closed) {
            if (dialect == Dialect.INLINE && !continuing) {
                out.add(new String[] {"c", "<think>\n"});
            }
            for (int i = 0; i < thinkingTokens; i++) {
                String w = WORDS[random.nextInt(WORDS.length)] + (i % 9 == 8 ? ".\n" : " ");
                out.add(new String[] {dialect == Dialect.INLINE ? "c" : "r", w});
            }
            if (dialect == Dialect.INLINE) {
                out.add(new String[] {"c", "\n</think>\n\n"});
            }
        }
        JsonNode schema = body.path("response_format").path("json_schema").path("schema");
        if (honourSchema && !schema.isMissingNode()) {
            String json = instance(schema, random).toString();
            for (int i = 0; i < json.length(); i += 3) {
                out.add(new String[] {"c", json.substring(i, Math.min(json.length(), i + 3))});
            }
        } else {
            for (int i = 0; i < 12; i++) {
                out.add(new String[] {"c", (i == 0 ? "Answer" : WORDS[random.nextInt(WORDS.length)])
                        + (i == 11 ? "." : " ")});
            }
        }
        return out;
    }

    /** A value valid for the simple schemas tests use (objects of booleans, integers, numbers, strings, enums). */
    private static JsonNode instance(JsonNode schema, Random random) {
        if (schema.has("enum")) {
            return schema.get("enum").get(0);
        }
        switch (schema.path("type").asText("object")) {
            case "boolean":
                return JSON.getNodeFactory().booleanNode(random.nextBoolean());
            case "integer": {
                int min = schema.path("minimum").asInt(0);
                int max = schema.path("maximum").asInt(min + 100);
                return JSON.getNodeFactory().numberNode(min + random.nextInt(Math.max(1, max - min + 1)));
            }
            case "number":
                return JSON.getNodeFactory().numberNode(schema.path("minimum").asDouble(0) + 0.5);
            case "string":
                return JSON.getNodeFactory().textNode("text");
            case "array":
                return JSON.createArrayNode();
            default: {
                ObjectNode o = JSON.createObjectNode();
                Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> p = it.next();
                    o.set(p.getKey(), instance(p.getValue(), random));
                }
                return o;
            }
        }
    }

    private void stream(HttpExchange x, List<String[]> script, int max, int promptTokens, Fault fault)
            throws IOException {
        x.getResponseHeaders().add("Content-Type", "text/event-stream");
        x.getResponseHeaders().add("Cache-Control", "no-cache");
        x.sendResponseHeaders(200, 0);
        OutputStream out = x.getResponseBody();
        String id = "chatcmpl-" + chats.get();
        event(out, chunk(id, JSON.createObjectNode().put("role", "assistant").put("content", ""), null));
        int n = 0;
        int reasoning = 0;
        for (String[] piece : script) {
            if (n == max) {
                break;
            }
            if (fault instanceof Fault.StallAfter s && n == s.tokens()) {
                try {
                    closing.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (fault instanceof Fault.CloseAfter c && n == c.tokens()) {
                return;
            }
            pause();
            ObjectNode delta = JSON.createObjectNode();
            if (piece[0].equals("r")) {
                delta.put(dialect == Dialect.REASONING ? "reasoning" : "reasoning_content", piece[1]);
                delta.putNull("content");
                reasoning++;
            } else {
                delta.put("content", piece[1]);
            }
            event(out, chunk(id, delta, null));
            n++;
        }
        String finish = n < script.size() ? "length" : "stop";
        event(out, chunk(id, JSON.createObjectNode(), finish));
        ObjectNode usage = JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk");
        usage.putArray("choices");
        usage.set("usage", usage(promptTokens, n, reasoning));
        event(out, usage);
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void blocking(HttpExchange x, List<String[]> script, int max, int promptTokens) throws IOException {
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        int n = 0;
        int r = 0;
        for (String[] piece : script) {
            if (n == max) {
                break;
            }
            if (piece[0].equals("r")) {
                reasoning.append(piece[1]);
                r++;
            } else {
                content.append(piece[1]);
            }
            n++;
        }
        ObjectNode body = JSON.createObjectNode().put("id", "chatcmpl-b").put("object", "chat.completion")
                .put("model", modelId);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0)
                .put("finish_reason", n < script.size() ? "length" : "stop");
        ObjectNode message = choice.putObject("message").put("role", "assistant").put("content", content.toString());
        if (reasoning.length() > 0) {
            message.put(dialect == Dialect.REASONING ? "reasoning" : "reasoning_content", reasoning.toString());
        }
        body.set("usage", usage(promptTokens, n, r));
        send(x, 200, "application/json", JSON.writeValueAsBytes(body));
    }

    private ObjectNode chunk(String id, ObjectNode delta, String finish) {
        ObjectNode c = JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                .put("created", 1_700_000_000L).put("model", modelId);
        ArrayNode choices = c.putArray("choices");
        ObjectNode choice = choices.addObject().put("index", 0);
        choice.set("delta", delta);
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return c;
    }

    private static ObjectNode usage(int prompt, int completion, int reasoning) {
        ObjectNode u = JSON.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
        u.putObject("completion_tokens_details").put("reasoning_tokens", reasoning);
        return u;
    }

    private void pause() {
        long micros = tokenDelayMicros;
        if (micros > 0) {
            // paces the simulated decoding (a token rate), not a synchronisation
            long until = System.nanoTime() + micros * 1000;
            while (System.nanoTime() < until) {
                java.util.concurrent.locks.LockSupport.parkNanos(until - System.nanoTime());
            }
        }
    }

    private static void event(OutputStream out, JsonNode data) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void error(HttpExchange x, int status, String message, String retryAfter) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", status == 401 ? "invalid_request_error"
                : "server_error").putNull("param").put("code", status == 401 ? "invalid_api_key" : null);
        if (retryAfter != null) {
            x.getResponseHeaders().add("Retry-After", retryAfter);
        }
        send(x, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().add("Content-Type", type);
        x.sendResponseHeaders(status, body.length);
        x.getResponseBody().write(body);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}

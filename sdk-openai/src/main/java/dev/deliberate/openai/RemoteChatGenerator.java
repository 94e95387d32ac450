package dev.deliberate.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.core.BackendTimeoutException;
import dev.deliberate.core.BackendUnavailableException;
import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.ModelLoadException;
import dev.deliberate.core.spi.ChatGenerator;
import dev.deliberate.core.spi.ChatRequest;
import dev.deliberate.core.spi.ChatSink;
import dev.deliberate.core.spi.GenerationResult;
import dev.deliberate.core.spi.StopReason;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model behind one or more OpenAI-compatible endpoints, as a {@link ChatGenerator}: core's one orchestration
 * drives it exactly like a local model (thinking bounds counted here as pieces stream; stop at the bound; the answer
 * asked for with the thinking closed as an assistant prefix).
 */
final class RemoteChatGenerator implements ChatGenerator {

    /** Largest event of a stream and largest blocking response accepted. */
    static final int MAX_EVENT = 4 * 1024 * 1024;
    /** How often a silent stream looks at the caller's cancel flag. */
    private static final long POLL_NANOS = 50_000_000L;
    private static final AtomicInteger IDS = new AtomicInteger();

    private final Fleet fleet;
    private final RemoteOptions options;
    private final TokenCounter counter;
    private final ExecutorService httpThreads;
    private final ModelInfo info;
    private final int contextLength;

    private RemoteChatGenerator(Fleet fleet, RemoteOptions options, TokenCounter counter, ExecutorService http,
            ModelInfo info, int contextLength) {
        this.fleet = fleet;
        this.options = options;
        this.counter = counter;
        this.httpThreads = http;
        this.info = info;
        this.contextLength = contextLength;
    }

    /**
     * Connects: asks every endpoint for its models (the model id, when none is given, is the first listed) and
     * fails with a typed error when none answers.
     */
    static RemoteChatGenerator open(List<URI> endpoints, String modelId, RemoteOptions options) {
        int id = IDS.incrementAndGet();
        ExecutorService http = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "deliberate-remote-" + id);
            t.setDaemon(true);
            return t;
        });
        TokenCounter counter = null;
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(options.connectTimeout()).executor(http)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            Optional<String> key = options.resolvedKey();
            List<Fleet.Member> members = new ArrayList<>();
            List<Fleet.Member> down = new ArrayList<>();
            DeliberateException firstError = null;
            int context = options.contextLength();
            String chosen = modelId;
            for (URI u : endpoints) {
                HttpEndpoint e = new HttpEndpoint(u, client, key);
                try {
                    JsonNode models = e.models(options.connectTimeout().plus(options.firstByteTimeout()));
                    String m = chosen.isEmpty() ? firstModel(models, e) : chosen;
                    if (chosen.isEmpty() && endpoints.size() > 1) {
                        chosen = m; // a fleet serves one model
                    }
                    if (context == 0) {
                        context = maxModelLen(models, m);
                    }
                    members.add(new Fleet.Member(e, m));
                } catch (dev.deliberate.core.AuthenticationException | dev.deliberate.core.InvalidRequestException ex) {
                    throw ex;
                } catch (DeliberateException ex) {
                    if (firstError == null) {
                        firstError = ex;
                    }
                    Fleet.Member m = new Fleet.Member(e, chosen);
                    m.down = true;
                    down.add(m);
                }
            }
            if (members.isEmpty()) {
                throw firstError;
            }
            String model = members.get(0).modelId;
            for (Fleet.Member d : down) {
                Fleet.Member m = new Fleet.Member(d.endpoint, model);
                m.down = true;
                members.add(m);
            }
            counter = TokenCounter.of(options);
            Fleet fleet = new Fleet(members, options);
            String locator = members.size() == 1 ? members.get(0).endpoint.display() + "#" + model
                    : "fleet" + members.stream().map(m -> m.endpoint.display()).toList() + "#" + model;
            ModelInfo info = new ModelInfo(OpenAiProvider.NAME, locator, Optional.empty(), Optional.empty(), model,
                    "", "", OptionalLong.empty(), context);
            return new RemoteChatGenerator(fleet, options, counter, http, info, context);
        } catch (RuntimeException e) {
            http.shutdownNow();
            if (counter != null) {
                counter.close();
            }
            throw e;
        }
    }

    private static String firstModel(JsonNode models, HttpEndpoint e) {
        JsonNode data = models.path("data");
        if (data.isArray()) {
            for (JsonNode m : data) {
                if (m.path("id").isTextual() && !m.path("id").asText().isEmpty()) {
                    return m.path("id").asText();
                }
            }
        }
        throw new ModelLoadException(e.display() + "/models lists no model; name one with #model or --remote-model");
    }

    private static int maxModelLen(JsonNode models, String model) {
        for (JsonNode m : models.path("data")) {
            if (model.equals(m.path("id").asText()) && m.path("max_model_len").canConvertToInt()) {
                return Math.max(0, m.path("max_model_len").asInt());
            }
        }
        return 0;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public int countTokens(List<ChatMessage> messages) {
        int n = 0;
        for (ChatMessage m : messages) {
            n += counter.text(m.content()) + 4; // role markers of a typical template
        }
        return n + 2;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    /** Calls overlap: HTTP servers batch concurrent requests, and a fleet spreads them. */
    @Override
    public int parallelism() {
        return 8 * fleet.members().size();
    }

    @Override
    public boolean canConstrain() {
        return options.structuredOutput();
    }

    @Override
    public GenerationResult chat(ChatRequest request, ChatSink sink) {
        ObjectNode body = ChatWire.body(request, options.streaming(), options.structuredOutput());
        return fleet.call((member, delivered) -> exchange(member, body.deepCopy(), request, sink, delivered));
    }

    private GenerationResult exchange(Fleet.Member m, ObjectNode body, ChatRequest request, ChatSink sink,
            boolean[] delivered) {
        body.put("model", m.modelId);
        byte[] bytes;
        try {
            bytes = ChatWire.JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new DeliberateException("cannot write the request", e);
        }
        HttpEndpoint e = m.endpoint;
        long firstUntil = System.nanoTime() + options.firstByteTimeout().toNanos();
        HttpEndpoint.Exchange x = e.post("/chat/completions", bytes, firstUntil);
        try {
            String type = x.contentType();
            if (type.startsWith("text/event-stream")) {
                return stream(e, x, request, sink, delivered, firstUntil);
            }
            if (type.startsWith("application/json") || type.isEmpty() && !options.streaming()) {
                return blocking(e, x, request, sink, delivered, firstUntil);
            }
            throw new RemoteProtocolException(e.display() + " answered " + (type.isEmpty() ? "no content type"
                    : type) + ", not an event stream or JSON (is this an OpenAI-compatible /v1 URL?)");
        } finally {
            x.body().cancel();
        }
    }

    private GenerationResult stream(HttpEndpoint e, HttpEndpoint.Exchange x, ChatRequest request, ChatSink sink,
            boolean[] delivered, long firstUntil) {
        SseEvents events = new SseEvents(x.body(), MAX_EVENT);
        OptionalLong stopAt = request.stopAt().map(RemoteChatGenerator::nanosAt).map(OptionalLong::of)
                .orElse(OptionalLong.empty());
        int count = 0;
        int reasoningCount = 0;
        String finish = null;
        boolean done = false;
        boolean first = true;
        OptionalInt prompt = OptionalInt.empty();
        OptionalInt completion = OptionalInt.empty();
        OptionalInt reasoning = OptionalInt.empty();
        try {
            long lastData = System.nanoTime();
            while (true) {
                long until = first ? firstUntil : lastData + options.idleTimeout().toNanos();
                if (stopAt.isPresent()) {
                    until = Math.min(until, stopAt.getAsLong());
                }
                String data = events.next(Math.min(until, System.nanoTime() + POLL_NANOS));
                if (data == SseEvents.TIMEOUT && sink.stopRequested()) {
                    return new GenerationResult(prompt.orElse(0), count, StopReason.STOPPED_BY_SINK);
                }
                if (data == SseEvents.TIMEOUT && System.nanoTime() - until < 0) {
                    continue; // a slice of the wait passed: look at the cancel flag again
                }
                if (data == SseEvents.TIMEOUT) {
                    if (stopAt.isPresent() && System.nanoTime() - stopAt.getAsLong() >= 0) {
                        return new GenerationResult(prompt.orElse(0), count, StopReason.STOPPED_BY_SINK);
                    }
                    throw new BackendTimeoutException(e.display() + (first
                            ? ": no first token within " + options.firstByteTimeout().toMillis() + " ms"
                            : ": the stream stalled for " + options.idleTimeout().toMillis() + " ms after " + count
                                    + " tokens"));
                }
                if (data == null) {
                    break;
                }
                first = false;
                lastData = System.nanoTime();
                if (data.equals("[DONE]")) {
                    done = true;
                    break;
                }
                JsonNode n;
                try {
                    n = ChatWire.JSON.readTree(data);
                } catch (JsonProcessingException bad) {
                    throw new RemoteProtocolException(e.display() + ": the event stream holds an event that is not"
                            + " JSON after " + count + " tokens: " + snippet(e, data));
                }
                ChatWire.Parsed p = ChatWire.parse(n, true);
                if (p.error != null) {
                    throw new BackendUnavailableException(e.display() + " reported an error in the stream after "
                            + count + " tokens: " + e.errors().redact(RemoteErrors.serverMessage(
                                    p.error.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
                }
                if (p.promptTokens.isPresent()) {
                    prompt = p.promptTokens;
                    completion = p.completionTokens;
                    reasoning = p.reasoningTokens;
                }
                if (p.finishReason != null) {
                    finish = p.finishReason;
                }
                for (ChatWire.Piece piece : p.pieces) {
                    count += counter.piece(piece.text());
                    if (piece.channel() == ChatSink.Channel.REASONING) {
                        reasoningCount = count;
                    }
                    delivered[0] = true;
                    if (!sink.onPiece(piece.channel(), piece.text(), count)) {
                        return new GenerationResult(prompt.orElse(0), count, StopReason.STOPPED_BY_SINK);
                    }
                }
            }
        } catch (java.io.IOException io) {
            if (io instanceof ResponseBody.LineTooLongException || io.getMessage() != null
                    && io.getMessage().startsWith("an event of the stream is larger")) {
                throw new RemoteProtocolException(e.display() + ": " + io.getMessage());
            }
            throw new BackendUnavailableException(e.display() + ": the stream broke after " + count + " tokens: "
                    + e.errors().redact(String.valueOf(io.getMessage())), io);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return new GenerationResult(prompt.orElse(0), count, StopReason.STOPPED_BY_SINK);
        }
        if (!done && finish == null) {
            throw new RemoteProtocolException(e.display() + ": the stream closed before it finished, after " + count
                    + " tokens (" + events.lines() + " lines)");
        }
        return result(request, prompt, completion, reasoning, count, reasoningCount, finish);
    }

    private GenerationResult blocking(HttpEndpoint e, HttpEndpoint.Exchange x, ChatRequest request, ChatSink sink,
            boolean[] delivered, long firstUntil) {
        JsonNode n;
        try {
            byte[] body = x.body().readAll(MAX_EVENT, firstUntil);
            if (body.length > MAX_EVENT) {
                throw new RemoteProtocolException(e.display() + ": the response is larger than " + MAX_EVENT
                        + " bytes");
            }
            n = ChatWire.JSON.readTree(body);
        } catch (JsonProcessingException bad) {
            throw new RemoteProtocolException(e.display() + ": the response is not JSON");
        } catch (java.io.IOException io) {
            throw e.errors().forException(e.display(), io);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return new GenerationResult(0, 0, StopReason.STOPPED_BY_SINK);
        }
        ChatWire.Parsed p = ChatWire.parse(n, false);
        if (p.error != null) {
            throw new BackendUnavailableException(e.display() + " reported an error: "
                    + e.errors().redact(p.error));
        }
        int count = 0;
        int reasoningCount = 0;
        for (ChatWire.Piece piece : p.pieces) {
            // a blocking answer arrives whole: hand it over word by word, so that core's bounds still cut it
            for (String word : piece.text().split("(?<=\\s)")) {
                if (word.isEmpty()) {
                    continue;
                }
                count += counter.piece(word);
                if (piece.channel() == ChatSink.Channel.REASONING) {
                    reasoningCount = count;
                }
                delivered[0] = true;
                if (!sink.onPiece(piece.channel(), word, count)) {
                    return new GenerationResult(p.promptTokens.orElse(0), count, StopReason.STOPPED_BY_SINK);
                }
            }
        }
        return result(request, p.promptTokens, p.completionTokens, p.reasoningTokens, count, reasoningCount,
                p.finishReason);
    }

    private GenerationResult result(ChatRequest request, OptionalInt prompt, OptionalInt completion,
            OptionalInt reasoning, int count, int reasoningCount, String finish) {
        int generated = Math.max(count, completion.orElse(0));
        OptionalInt thinking = OptionalInt.empty();
        if (reasoning.isPresent() && completion.isPresent() && !counter.exact()) {
            thinking = OptionalInt.of(Math.min(reasoning.getAsInt(), generated));
        } else if (counter.exact() && reasoningCount > 0) {
            thinking = OptionalInt.of(reasoningCount);
        }
        int promptTokens = prompt.orElseGet(() -> countTokens(request.messages()));
        return new GenerationResult(promptTokens, generated, ChatWire.stopReason(finish), Optional.empty(),
                thinking);
    }

    private static String snippet(HttpEndpoint e, String data) {
        String s = e.errors().redact(data.replaceAll("\\s+", " "));
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private static long nanosAt(Instant at) {
        // never before the instant: core checks the deadline against the wall clock once the stream stopped
        long nanos = java.time.Duration.between(Instant.now(), at).toNanos();
        return System.nanoTime() + Math.max(0, nanos) + 1_000_000L;
    }

    @Override
    public void close() {
        fleet.close();
        counter.close();
        httpThreads.shutdownNow();
    }
}

package dev.deliberate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.server.ModelPool;
import dev.deliberate.server.OpenAiServer;
import dev.deliberate.server.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Serving overhead of {@code deliberate serve}: decode speed of a streamed chat completion read over HTTP (SSE, by
 * {@code java.net.http} in the same JVM) against the same call in-process, on the same model instance, interleaved;
 * then aggregate throughput of 1, 2 and 4 concurrent streaming clients against a pool of 1 instance (serialised, the
 * reference) and a pool of N instances.
 *
 * <p>Decode rate, both sides alike: generated tokens after the first / time from the first to the last delta the
 * reader received (in-process: listener events; HTTP: SSE chunks with a {@code reasoning_content} or {@code content}
 * delta); generated tokens from the result's usage (HTTP: {@code usage.completion_tokens}).
 *
 * <p>Run: see docs/benchmarks.md, section "Serving overhead".
 */
public final class ServeBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final AtomicInteger PROMPTS = new AtomicInteger();

    private ServeBenchmark() {}

    /** One streamed call as its reader saw it. */
    record Run(int tokens, double decodeRate, double ttftMs, double seconds) { }

    /**
     * @param args {@code [model.gguf|-] [repetitions] [thinking tokens] [answer tokens] [pool size] [requests per
     *             client] [threads for A]}; without a model the BENCH test model is generated into
     *             {@code target/bench-models/}
     */
    public static void main(String[] args) throws Exception {
        Path model = args.length > 0 && !args[0].equals("-") ? Path.of(args[0]) : DecodeBenchmark.benchModel();
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int thinking = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int answer = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        int poolSize = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        int perClient = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        int cores = Runtime.getRuntime().availableProcessors();
        int threadsA = args.length > 6 ? Integer.parseInt(args[6]) : cores;
        System.out.printf(Locale.ROOT, "model %s, %d cores, %d repetitions, %d thinking + %d answer tokens%n", model,
                cores, reps, thinking, answer);

        System.out.println("\nA. one stream: in-process ReasoningModel vs the same instance through serve + HTTP"
                + " (threads " + threadsA + ")");
        ReasoningModel one = ReasoningModels.open(ModelLocator.file(model),
                ModelOptions.defaults().with(new dev.deliberate.llama.LlamaOptions(threadsA, 2048, 0)));
        try (ModelPool pool = ModelPool.of(List.of(one));
                OpenAiServer server = OpenAiServer.start(pool, ServerConfig.builder().port(0).build())) {
            inProcess(one, thinking, answer); // warm-up
            http(server, thinking, answer);
            List<Run> local = new ArrayList<>();
            List<Run> remote = new ArrayList<>();
            List<Double> pairs = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                for (int k = 0; k < 2; k++) {
                    if ((r % 2 == 0) == (k == 0)) {
                        Run run = inProcess(one, thinking, answer);
                        local.add(run);
                        print("in-process", r, run);
                    } else {
                        Run run = http(server, thinking, answer);
                        remote.add(run);
                        print("serve+HTTP", r, run);
                    }
                }
                pairs.add(remote.get(r).decodeRate() / local.get(r).decodeRate());
            }
            double l = median(local.stream().map(Run::decodeRate).toList());
            double h = median(remote.stream().map(Run::decodeRate).toList());
            double lt = median(local.stream().map(Run::ttftMs).toList());
            double ht = median(remote.stream().map(Run::ttftMs).toList());
            System.out.printf(Locale.ROOT, "%nmedian decode rate: in-process %.1f tok/s, serve+HTTP %.1f tok/s, ratio"
                    + " serve/in-process %.3f (goal >= 0.95)%n", l, h, h / l);
            System.out.printf(Locale.ROOT, "median of the %d adjacent-pair ratios serve/in-process: %.3f%n",
                    pairs.size(), median(pairs));
            System.out.printf(Locale.ROOT, "median time to first token: in-process %.1f ms, serve+HTTP %.1f ms"
                    + " (difference %+.1f ms)%n", lt, ht, ht - lt);
        }

        System.out.println("\nC. the serving path alone: a model double (no inference) emitting 2000 tokens/s, CPU time"
                + " in-process vs serve+HTTP");
        servingPath(3000, 500);

        System.out.println("\nB. aggregate throughput, concurrent streaming clients (" + perClient
                + " requests each, " + (thinking + answer) + " tokens per request)");
        long[] base = memoryMb();
        System.out.printf(Locale.ROOT, "no model loaded: anonymous %d MB, file-backed %d MB%n", base[0], base[1]);
        double[] serial = throughput(model, 1, cores, thinking, answer, perClient);
        int perInstance = Math.max(1, cores / poolSize);
        double[] pooled = throughput(model, poolSize, perInstance, thinking, answer, perClient);
        System.out.printf(Locale.ROOT, "%nscaling against 1 client: pool of 1: x%.2f (2 clients), x%.2f (4 clients);"
                + " pool of %d: x%.2f (2 clients), x%.2f (4 clients)%n", serial[1] / serial[0], serial[2] / serial[0],
                poolSize, pooled[1] / pooled[0], pooled[2] / pooled[0]);
        System.out.printf(Locale.ROOT, "pool of %d against pool of 1 at 4 clients: x%.2f%n", poolSize,
                pooled[2] / serial[2]);
        System.exit(0); // llama.cpp's native threads are not the benchmark's to wait for
    }

    /**
     * CPU cost of serve + HTTP per token, without a model: a double emits {@code tokens} thinking deltas at a fixed
     * pace (1 per {@code paceMicros}, so that the server writes them one by one as it does for a real model), read
     * in-process and as SSE over HTTP by a client in this JVM. The process CPU time per token of the HTTP runs minus
     * that of the in-process runs is what serving (server and client together) adds to every token; unlike wall
     * time it hardly depends on what else runs on the machine.
     */
    private static void servingPath(int tokens, long paceMicros) throws Exception {
        FloodModel flood = new FloodModel(tokens, paceMicros);
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        try (ModelPool pool = ModelPool.of(List.of(flood));
                OpenAiServer server = OpenAiServer.start(pool, ServerConfig.builder().port(0).build())) {
            List<Double> local = new ArrayList<>();
            List<Double> remote = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                long c0 = os.getProcessCpuTime();
                inProcess(flood, tokens, 1);
                long c1 = os.getProcessCpuTime();
                http(server, tokens, 1);
                long c2 = os.getProcessCpuTime();
                if (r > 0) { // the first round warms up the JIT
                    local.add((c1 - c0) / 1e3 / tokens);
                    remote.add((c2 - c1) / 1e3 / tokens);
                }
            }
            double l = median(local);
            double h = median(remote);
            double cost = h - l;
            System.out.printf(Locale.ROOT, "  CPU per token: in-process %.1f us, serve+HTTP %.1f us: serving adds %.1f us"
                    + " of CPU per token%n", l, h, cost);
            int cores = Runtime.getRuntime().availableProcessors();
            for (double rate : new double[] {76, 400}) {
                System.out.printf(Locale.ROOT, "  a model decoding %.0f tok/s on all %d cores loses at most %.2f%% of"
                        + " its CPU to serving (ratio >= %.4f)%n", rate, cores, 100 * cost * 1e-6 * rate / cores,
                        1 - cost * 1e-6 * rate / cores);
            }
        }
    }

    /** A double that emits thinking deltas at a fixed pace, then a one-token answer: no inference. */
    private static final class FloodModel implements ReasoningModel {
        private final int tokens;
        private final long paceNanos;

        FloodModel(int tokens, long paceMicros) {
            this.tokens = tokens;
            this.paceNanos = paceMicros * 1000;
        }

        @Override
        public dev.deliberate.core.ModelInfo info() {
            return new dev.deliberate.core.ModelInfo("flood", "flood", java.util.Optional.empty(),
                    java.util.Optional.empty(), "flood", "", "", java.util.OptionalLong.empty(), 0);
        }

        @Override
        public dev.deliberate.core.ReasoningCall start(ReasoningRequest request,
                dev.deliberate.core.ReasoningListener listener) {
            java.util.concurrent.CompletableFuture<Reasoning> f = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        java.time.Instant t0 = java.time.Instant.now();
                        long next = System.nanoTime();
                        for (int i = 1; i <= tokens; i++) {
                            next += paceNanos;
                            while (System.nanoTime() < next) {
                                java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
                            }
                            listener.onEvent(new ReasoningEvent.ThinkingDelta(" tok", i));
                        }
                        listener.onEvent(new ReasoningEvent.AnswerDelta("ok", 0));
                        Reasoning r = new Reasoning(" tok".repeat(tokens), "ok", java.util.Optional.empty(),
                                dev.deliberate.core.FinishReason.STOP, new dev.deliberate.core.Usage(1, tokens, 1),
                                new dev.deliberate.core.Timings(Duration.ZERO, Duration.ZERO,
                                        Duration.between(t0, java.time.Instant.now()), 0), info(), t0);
                        listener.onEvent(new ReasoningEvent.Done(r));
                        return r;
                    });
            return new dev.deliberate.core.ReasoningCall() {
                @Override
                public void cancel() { }

                @Override
                public java.util.concurrent.CompletableFuture<Reasoning> future() {
                    return f;
                }
            };
        }

        @Override
        public void close() { }
    }

    private static double[] throughput(Path model, int size, int threads, int thinking, int answer, int perClient)
            throws Exception {
        double[] out = new double[3];
        try (ModelPool pool = ModelPool.open(ModelLocator.file(model),
                ModelOptions.defaults().with(new dev.deliberate.llama.LlamaOptions(threads, 2048, 0)), size);
                OpenAiServer server = OpenAiServer.start(pool, ServerConfig.builder().port(0).build())) {
            long[] mem = memoryMb();
            System.out.printf(Locale.ROOT, "pool of %d instance(s), %d thread(s) each; process memory: anonymous %d MB,"
                    + " file-backed %d MB (the mapped weights; counted once per mapping)%n", size, threads, mem[0],
                    mem[1]);
            http(server, thinking, answer); // warm-up
            int i = 0;
            for (int clients : new int[] {1, 2, 4}) {
                ExecutorService exec = Executors.newFixedThreadPool(clients);
                long t0 = System.nanoTime();
                List<Future<Integer>> done = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    done.add(exec.submit(() -> {
                        int tokens = 0;
                        for (int k = 0; k < perClient; k++) {
                            tokens += http(server, thinking, answer).tokens();
                        }
                        return tokens;
                    }));
                }
                int tokens = 0;
                for (Future<Integer> f : done) {
                    tokens += f.get();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                exec.shutdown();
                out[i++] = tokens / seconds;
                System.out.printf(Locale.ROOT, "  %d client(s): %5d tokens in %6.2f s = %6.1f tok/s aggregate%n",
                        clients, tokens, seconds, tokens / seconds);
            }
        }
        return out;
    }

    private static ReasoningRequest request(int thinking, int answer) {
        return ReasoningRequest.builder().user(question())
                .thinkingBudget(ThinkingBudget.tokens(thinking)).answerMaxTokens(answer)
                .sampling(Sampling.defaults().withSeed(42)).build();
    }

    /** Every run its own prompt, so that no run finds its prompt in the cache. */
    private static String question() {
        return "Question " + PROMPTS.incrementAndGet() + ": is 1013 prime? Explain briefly.";
    }

    private static Run inProcess(ReasoningModel model, int thinking, int answer) {
        long[] first = {0};
        long[] last = {0};
        long t0 = System.nanoTime();
        Reasoning r = model.start(request(thinking, answer), e -> {
            if (e instanceof ReasoningEvent.ThinkingDelta || e instanceof ReasoningEvent.AnswerDelta) {
                long now = System.nanoTime();
                if (first[0] == 0) {
                    first[0] = now;
                }
                last[0] = now;
            }
        }).join();
        return run(r.usage().generatedTokens(), t0, first[0], last[0]);
    }

    private static Run http(OpenAiServer server, int thinking, int answer) throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("model", server.modelId()).put("stream", true).put("seed", 42)
                .put("thinking_budget", thinking).put("max_completion_tokens", answer)
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("stream_options",
                        JSON.createObjectNode().put("include_usage", true))
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("messages", JSON.createArrayNode()
                        .add(JSON.createObjectNode().put("role", "user").put("content", question())))
                .toString();
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                .timeout(Duration.ofMinutes(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long t0 = System.nanoTime();
        long first = 0;
        long last = 0;
        int tokens = 0;
        HttpResponse<Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            throw new IOException("serve answered " + response.statusCode());
        }
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.startsWith("data: {")) {
                    continue;
                }
                JsonNode chunk = JSON.readTree(line.substring(6));
                JsonNode delta = chunk.path("choices").path(0).path("delta");
                if (delta.path("reasoning_content").isTextual() || delta.path("content").asText("").length() > 0) {
                    long now = System.nanoTime();
                    if (first == 0) {
                        first = now;
                    }
                    last = now;
                }
                if (chunk.has("usage")) {
                    tokens = chunk.path("usage").path("completion_tokens").asInt();
                }
                if (chunk.has("error")) {
                    throw new IOException("stream failed: " + chunk);
                }
            }
        }
        return run(tokens, t0, first, last);
    }

    private static Run run(int tokens, long t0, long first, long last) {
        double rate = tokens >= 2 && last > first ? (tokens - 1) / ((last - first) / 1e9) : 0;
        return new Run(tokens, rate, (first - t0) / 1e6, (last - t0) / 1e9);
    }

    private static void print(String side, int rep, Run run) {
        System.out.printf(Locale.ROOT, "  %-10s #%d: %3d tokens, %6.1f tok/s, first token %6.1f ms%n", side, rep,
                run.tokens(), run.decodeRate(), run.ttftMs());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n == 0 ? 0 : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Resident memory of this process: anonymous (heap, KV caches, buffers) and file-backed (mapped weights). */
    private static long[] memoryMb() {
        long anon = 0;
        long file = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("RssAnon:")) {
                    anon = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                } else if (line.startsWith("RssFile:")) {
                    file = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return new long[] {0, 0};
        }
        return new long[] {anon, file};
    }
}

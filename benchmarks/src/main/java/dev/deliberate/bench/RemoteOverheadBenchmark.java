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
import dev.deliberate.openai.FakeOpenAiServer;
import dev.deliberate.openai.RemoteOptions;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Remote-backend overhead: time to first token and tokens/s of one streamed completion read through the SDK
 * ({@code ReasoningModel} over the OpenAI-compatible backend, events to a listener) against the same stream (the
 * same request body, the same server) read by a bare {@code java.net.http} client that splits lines as bytes arrive
 * and parses each event's JSON (the least any client must do to get the text). The server is the simulated one of the backend's tests, on loopback, unpaced (as fast as it can
 * write: the client's cost dominates) and paced at 2,000 tokens/s (a fast real server). Median of interleaved rounds
 * after warm-up.
 *
 * <p>Run: {@code java -cp ... dev.deliberate.bench.RemoteOverheadBenchmark [tokens] [rounds]}
 */
public final class RemoteOverheadBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RemoteOverheadBenchmark() {}

    /** One measured stream. */
    record Run(double ttftMs, double tokensPerSecond, int tokens) { }

    public static void main(String[] args) throws Exception {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        System.out.printf(Locale.ROOT, "Remote-backend overhead, %d thinking tokens per stream, %d rounds, %d cores%n",
                tokens, rounds, Runtime.getRuntime().availableProcessors());
        for (long delay : new long[] {0, 500}) {
            try (FakeOpenAiServer server = new FakeOpenAiServer(FakeOpenAiServer.Dialect.REASONING_CONTENT, "bench",
                    null).thinking(tokens).tokenDelayMicros(delay);
                    ReasoningModel model = ReasoningModels.open(ModelLocator.parse(server.baseUrl() + "#bench"),
                            ModelOptions.defaults().with(RemoteOptions.defaults()))) {
                ReasoningRequest request = ReasoningRequest.builder().user("Is 1013 prime?").answerMaxTokens(64)
                        .sampling(Sampling.defaults().withSeed(3)).build();
                sdk(model, request);
                byte[] body = JSON.writeValueAsBytes(server.requests.get(0)); // exactly what the SDK sent
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                URI url = URI.create(server.baseUrl() + "/chat/completions");
                for (int i = 0; i < 3; i++) {
                    sdk(model, request);
                    bare(client, url, body);
                }
                List<Run> sdkRuns = new ArrayList<>();
                List<Run> bareRuns = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    if (i % 2 == 0) {
                        sdkRuns.add(sdk(model, request));
                        bareRuns.add(bare(client, url, body));
                    } else {
                        bareRuns.add(bare(client, url, body));
                        sdkRuns.add(sdk(model, request));
                    }
                }
                Run s = median(sdkRuns);
                Run b = median(bareRuns);
                System.out.printf(Locale.ROOT, "%n%s server%n", delay == 0 ? "unpaced" : "paced at " + (1_000_000 / delay)
                        + " tokens/s");
                System.out.printf(Locale.ROOT, "  bare HTTP client   TTFT %7.2f ms   %9.0f tokens/s   (%d tokens)%n",
                        b.ttftMs, b.tokensPerSecond, b.tokens);
                System.out.printf(Locale.ROOT, "  SDK                TTFT %7.2f ms   %9.0f tokens/s   (%d tokens)%n",
                        s.ttftMs, s.tokensPerSecond, s.tokens);
                System.out.printf(Locale.ROOT, "  ratio SDK/bare: tokens/s %.3f, TTFT difference %+.2f ms%n",
                        s.tokensPerSecond / b.tokensPerSecond, s.ttftMs - b.ttftMs);
            }
        }
    }

    private static Run sdk(ReasoningModel model, ReasoningRequest request) {
        long[] first = {-1};
        long[] last = {-1};
        int[] pieces = {0};
        long t0 = System.nanoTime();
        Reasoning r = model.start(request, e -> {
            if (e instanceof ReasoningEvent.ThinkingDelta || e instanceof ReasoningEvent.AnswerDelta) {
                long now = System.nanoTime();
                if (first[0] < 0) {
                    first[0] = now;
                }
                last[0] = now;
                pieces[0]++;
            }
        }).join();
        int n = r.usage().thinkingTokens() + r.usage().answerTokens();
        return new Run((first[0] - t0) / 1e6, (n - 1) / ((last[0] - first[0]) / 1e9), n);
    }

    private static Run bare(HttpClient client, URI url, byte[] body) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<InputStream> resp = client.send(HttpRequest.newBuilder(url)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        long first = -1;
        long last = -1;
        int n = 0;
        // lines split by hand from whatever each read returns: a BufferedReader would wait for 8 KiB first and
        // bias time to first token
        byte[] buf = new byte[16384];
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        try (InputStream in = resp.body()) {
            int k;
            while ((k = in.read(buf)) > 0) {
                for (int i = 0; i < k; i++) {
                    if (buf[i] != '\n') {
                        line.write(buf[i]);
                        continue;
                    }
                    String text = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    if (!text.startsWith("data: ") || text.equals("data: [DONE]")) {
                        continue;
                    }
                    JsonNode delta = JSON.readTree(text.substring(6)).path("choices").path(0).path("delta");
                    String piece = delta.path("reasoning_content").asText("") + delta.path("content").asText("");
                    if (!piece.isEmpty()) {
                        long now = System.nanoTime();
                        if (first < 0) {
                            first = now;
                        }
                        last = now;
                        n++;
                    }
                }
            }
        }
        return new Run((first - t0) / 1e6, (n - 1) / ((last - first) / 1e9), n);
    }

    private static Run median(List<Run> runs) {
        double[] ttft = runs.stream().mapToDouble(Run::ttftMs).sorted().toArray();
        double[] rate = runs.stream().mapToDouble(Run::tokensPerSecond).sorted().toArray();
        return new Run(ttft[ttft.length / 2], rate[rate.length / 2], runs.get(0).tokens());
    }
}

package dev.deliberate.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.AuthenticationException;
import dev.deliberate.core.BackendTimeoutException;
import dev.deliberate.core.BackendUnavailableException;
import dev.deliberate.core.ContextOverflowException;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.RateLimitedException;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.RetriableException;
import dev.deliberate.core.ThinkingBudget;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input from servers and the network: each a clear typed error, retried only when that is safe. */
class RemoteFailuresTest {

    private static final String KEY = "sk-secret-0123456789abcdef";
    private FakeOpenAiServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeOpenAiServer(FakeOpenAiServer.Dialect.REASONING_CONTENT, "m", KEY).thinking(20)
                .tokenDelayMicros(0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RemoteOptions options() {
        return RemoteOptions.defaults().withApiKey(KEY)
                .withRetries(3, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(5));
    }

    private ReasoningModel open(RemoteOptions options) {
        return ReasoningModels.open(ModelLocator.parse(server.baseUrl().toString()),
                ModelOptions.defaults().with(options));
    }

    private static ReasoningRequest question() {
        return ReasoningRequest.builder().user("Is 1013 prime?").answerMaxTokens(16).build();
    }

    private static DeliberateException failure(ReasoningModel model, ReasoningRequest request) {
        return assertThrows(DeliberateException.class, () -> model.start(request, x -> { }).join());
    }

    @Test
    void garbageInTheEventStreamIsAProtocolError() {
        try (ReasoningModel model = open(options().withRetries(1, Duration.ZERO, Duration.ZERO, Duration.ZERO))) {
            server.fault(new FakeOpenAiServer.Fault.Raw("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n"
                    + "data: <html>502 Bad Gateway</html>\n\n"));
            DeliberateException e = failure(model, question());
            assertInstanceOf(RemoteProtocolException.class, e);
            assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
        }
    }

    @Test
    void aStreamThatDeliveredTokensIsNeverReRun() {
        try (ReasoningModel model = open(options())) {
            server.fault(new FakeOpenAiServer.Fault.CloseAfter(5));
            DeliberateException e = failure(model, question());
            assertInstanceOf(BackendUnavailableException.class, e);
            assertTrue(e.getMessage().contains("after 5 tokens"), e.getMessage());
            assertEquals(1, server.chats.get(), "three attempts allowed, but tokens had been delivered");
        }
    }

    @Test
    void aStalledStreamTimesOut() {
        RemoteOptions o = options().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(150));
        try (ReasoningModel model = open(o)) {
            server.fault(new FakeOpenAiServer.Fault.StallAfter(3));
            long t0 = System.nanoTime();
            DeliberateException e = failure(model, question());
            assertInstanceOf(BackendTimeoutException.class, e);
            assertTrue(e.getMessage().contains("stalled for 150 ms"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
            assertEquals(1, server.chats.get());
        }
    }

    @Test
    void cancellingDuringAStallStopsAtOnce() throws Exception {
        try (ReasoningModel model = open(options())) {
            server.fault(new FakeOpenAiServer.Fault.StallAfter(3));
            java.util.concurrent.CountDownLatch thinking = new java.util.concurrent.CountDownLatch(1);
            dev.deliberate.core.ReasoningCall call = model.start(question(), e -> {
                if (e instanceof dev.deliberate.core.ReasoningEvent.ThinkingDelta) {
                    thinking.countDown();
                }
            });
            assertTrue(thinking.await(10, java.util.concurrent.TimeUnit.SECONDS));
            long t0 = System.nanoTime();
            call.cancel();
            Reasoning r = call.join();
            assertEquals(dev.deliberate.core.FinishReason.CANCELLED, r.finish());
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "not the 60 s idle timeout");
        }
    }

    @Test
    void rateLimitHonoursRetryAfterThenSucceeds() {
        try (ReasoningModel model = open(options())) {
            server.fault(new FakeOpenAiServer.Fault.Status(429, "1"));
            long t0 = System.nanoTime();
            Reasoning r = model.reason(question());
            assertTrue(System.nanoTime() - t0 >= 1_000_000_000L, "waited for Retry-After: 1");
            assertEquals(2, r.servedBy().get(0).attempts());
            assertEquals(1, r.servedBy().get(0).failovers().size());
            assertTrue(r.servedBy().get(0).failovers().get(0).contains("429"));
        }
    }

    @Test
    void aRetryAfterLongerThanAllowedFailsAtOnceWithTheWait() {
        try (ReasoningModel model = open(options())) {
            server.fault(new FakeOpenAiServer.Fault.Status(429, "120"));
            DeliberateException e = failure(model, question());
            RateLimitedException rl = assertInstanceOf(RateLimitedException.class, e);
            assertEquals(Duration.ofSeconds(120), rl.retryAfter().orElseThrow());
            assertInstanceOf(RetriableException.class, e);
            assertEquals(1, server.chats.get());
        }
    }

    @Test
    void serverErrorsAreRetriedWithBackoff() {
        try (ReasoningModel model = open(options())) {
            server.fault(new FakeOpenAiServer.Fault.Status(503, null)).fault(new FakeOpenAiServer.Fault.Status(500, null));
            Reasoning r = model.reason(question());
            assertFalse(r.answer().isEmpty());
            assertEquals(3, r.servedBy().get(0).attempts());
        }
    }

    @Test
    void serverErrorsBeyondTheAttemptsFailRetriable() {
        try (ReasoningModel model = open(options())) {
            for (int i = 0; i < 3; i++) {
                server.fault(new FakeOpenAiServer.Fault.Status(500, null));
            }
            DeliberateException e = failure(model, question());
            assertInstanceOf(BackendUnavailableException.class, e);
            assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
            assertEquals(3, server.chats.get());
        }
    }

    @Test
    void aWrongKeyIsAnAuthenticationErrorThatNeverShowsTheKey() {
        String wrong = "sk-wrong-key-9876543210zyxw";
        PrintStream err = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        AuthenticationException e;
        try {
            e = assertThrows(AuthenticationException.class, () -> open(RemoteOptions.defaults().withApiKey(wrong)));
        } finally {
            System.setErr(err);
        }
        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        for (String text : new String[] {e.getMessage(), logs.toString(StandardCharsets.UTF_8),
            RemoteOptions.defaults().withApiKey(wrong).toString()}) {
            assertFalse(text.contains(wrong), text);
            assertFalse(text.contains("sk-wrong-"), "no prefix of the key either: " + text);
            assertFalse(text.contains("zyxw"), "no suffix of the key either: " + text);
        }
    }

    @Test
    void theKeyGoesOnlyIntoTheAuthorizationHeader() {
        try (ReasoningModel model = open(options())) {
            Reasoning r = model.reason(question());
            assertEquals("Bearer " + KEY, server.authorizations.get(0));
            assertFalse(r.toString().contains(KEY));
            assertFalse(model.info().toString().contains(KEY));
            assertFalse(server.requests.get(0).toString().contains(KEY));
        }
    }

    @Test
    void aRefusedConnectionIsRetriableAndNamesTheEndpoint() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/v1";
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> ReasoningModels.open(
                ModelLocator.parse(url + "#m"), ModelOptions.defaults()));
        assertTrue(e.getMessage().contains(url) && e.getMessage().contains("connection refused"), e.getMessage());
    }

    @Test
    void anUnresolvableHostIsRetriableAndSaysSo() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> ReasoningModels.open(
                ModelLocator.parse("http://no-such-host.invalid:8000/v1#m"), ModelOptions.defaults()));
        assertTrue(e.getMessage().contains("does not resolve"), e.getMessage());
    }

    @Test
    void credentialsInTheUrlAreRefused() {
        DeliberateException e = assertThrows(DeliberateException.class, () -> ReasoningModels.open(
                ModelLocator.parse("http://user:" + KEY + "@127.0.0.1:1/v1"), ModelOptions.defaults()));
        assertFalse(e.getMessage().contains(KEY));
    }

    @Test
    void anOverlongLineIsRejectedNotBuffered() {
        try (ReasoningModel model = open(options().withRetries(1, Duration.ZERO, Duration.ZERO, Duration.ZERO))) {
            server.fault(new FakeOpenAiServer.Fault.Raw("data: " + "a".repeat(2 << 20)));
            DeliberateException e = failure(model, question());
            assertInstanceOf(RemoteProtocolException.class, e);
            assertTrue(e.getMessage().contains("longer than"), e.getMessage());
        }
    }

    @Test
    void aStreamWithoutEventsIsAProtocolError() {
        try (ReasoningModel model = open(options().withRetries(1, Duration.ZERO, Duration.ZERO, Duration.ZERO))) {
            server.fault(new FakeOpenAiServer.Fault.Raw("<html><body>Welcome to nginx</body></html>"));
            DeliberateException e = failure(model, question());
            assertInstanceOf(RemoteProtocolException.class, e);
            assertTrue(e.getMessage().contains("closed before it finished"), e.getMessage());
        }
    }

    @Test
    void aPromptTooLongForTheServersContextFailsBeforeSending() {
        try (ReasoningModel model = open(options())) {
            assertThrows(ContextOverflowException.class, () -> model.start(
                    ReasoningRequest.of("word ".repeat(20_000)), x -> { }));
            assertEquals(0, server.chats.get());
        }
    }

    @Test
    void blockingRequestsGiveTheSameSplitAndBounds() {
        try (ReasoningModel model = open(options().withStreaming(false))) {
            Reasoning r = model.reason(ReasoningRequest.builder().user("q").thinkingBudget(ThinkingBudget.tokens(5))
                    .answerMaxTokens(16).build());
            assertEquals(5, r.usage().thinkingTokens());
            assertFalse(r.answer().isEmpty());
            assertFalse(server.requests.get(0).path("stream").asBoolean());
        }
    }
}

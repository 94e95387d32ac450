package dev.deliberate.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.ServedBy;
import dev.deliberate.core.ThinkingBudget;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Several endpoints as one model: balancing, failover, health checks, provenance. */
class FleetTest {

    private static ReasoningRequest question() {
        return ReasoningRequest.builder().user("Is 1013 prime?").thinkingBudget(ThinkingBudget.tokens(50))
                .answerMaxTokens(16).build();
    }

    private static URI deadEndpoint() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort() + "/v1");
        }
    }

    @Test
    void concurrentCallsSpreadOverTheEndpointsWithTheFewestInFlight() throws Exception {
        try (FakeOpenAiServer a = new FakeOpenAiServer(FakeOpenAiServer.Dialect.REASONING_CONTENT, "m", null)
                        .thinking(40).tokenDelayMicros(5000);
                FakeOpenAiServer b = new FakeOpenAiServer(FakeOpenAiServer.Dialect.REASONING, "m", null)
                        .thinking(40).tokenDelayMicros(5000);
                ReasoningModel model = ReasoningModels.open(ModelLocator.parse(a.baseUrl().toString()),
                        ModelOptions.defaults().with(RemoteOptions.defaults().withFleetEndpoint(b.baseUrl())))) {
            List<CompletableFuture<Reasoning>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(model.start(question(), e -> { }).future());
            }
            List<String> served = new ArrayList<>();
            for (CompletableFuture<Reasoning> c : calls) {
                Reasoning r = c.join();
                assertFalse(r.answer().isEmpty());
                served.add(r.servedBy().get(0).endpoint());
            }
            assertEquals(2, a.chats.get(), "least outstanding: " + served);
            assertEquals(2, b.chats.get(), "least outstanding: " + served);
            assertTrue(model.info().locator().startsWith("fleet["), model.info().locator());
        }
    }

    @Test
    void aDeadEndpointIsFailedOverAndNamedInTheProvenance() throws Exception {
        URI dead = deadEndpoint();
        try (FakeOpenAiServer live = new FakeOpenAiServer(FakeOpenAiServer.Dialect.REASONING_CONTENT, "m", null)
                        .thinking(10).tokenDelayMicros(0);
                ReasoningModel model = ReasoningModels.open(ModelLocator.parse(live.baseUrl() + "#m"),
                        ModelOptions.defaults().with(RemoteOptions.defaults().withFleetEndpoint(dead)
                                .withRetries(3, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(1))))) {
            // the dead one was found down at open; every call goes to the live one
            for (int i = 0; i < 3; i++) {
                Reasoning r = model.reason(question());
                ServedBy s = r.servedBy().get(0);
                assertEquals(live.baseUrl().toString(), s.endpoint());
                assertEquals("m", s.modelId());
            }
        }
    }

    @Test
    void aFailingEndpointIsLeftThenBroughtBackByTheHealthCheck() throws Exception {
        try (FakeOpenAiServer flaky = new FakeOpenAiServer(FakeOpenAiServer.Dialect.REASONING_CONTENT, "m", null)
                        .thinking(10).tokenDelayMicros(0);
                FakeOpenAiServer steady = new FakeOpenAiServer(FakeOpenAiServer.Dialect.REASONING_CONTENT, "m", null)
                        .thinking(10).tokenDelayMicros(0);
                ReasoningModel model = ReasoningModels.open(ModelLocator.parse(flaky.baseUrl().toString()),
                        ModelOptions.defaults().with(RemoteOptions.defaults().withFleetEndpoint(steady.baseUrl())
                                .withHealthCheckInterval(Duration.ofMillis(50))
                                .withRetries(3, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(1))))) {
            flaky.fault(new FakeOpenAiServer.Fault.Status(502, null));
            Reasoning first = model.reason(ReasoningRequest.builder().user("q").thinkingBudget(ThinkingBudget.none())
                    .answerMaxTokens(8).build());
            ServedBy s = first.servedBy().get(0);
            assertEquals(steady.baseUrl().toString(), s.endpoint(), "failed over");
            assertEquals(1, s.failovers().size());
            assertTrue(s.failovers().get(0).startsWith(flaky.baseUrl() + ": ") && s.failovers().get(0).contains("502"),
                    s.failovers().get(0));
            assertEquals(2, s.attempts());
            // the health check (GET /models answers) brings the flaky endpoint back: later calls reach it again
            long until = System.nanoTime() + 10_000_000_000L;
            while (flaky.chats.get() < 2 && System.nanoTime() < until) {
                model.reason(ReasoningRequest.builder().user("q").thinkingBudget(ThinkingBudget.none())
                        .answerMaxTokens(8).build());
            }
            assertTrue(flaky.chats.get() >= 2, "the endpoint came back after its health check");
        }
    }
}

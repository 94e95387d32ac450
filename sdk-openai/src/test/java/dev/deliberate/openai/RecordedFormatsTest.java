package dev.deliberate.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.FinishReason;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.ThinkingBudget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Streams in the documented formats of servers we cannot run here (fixtures written from their published docs; each
 * fixture says so in its SSE comments), replayed over HTTP to the real client.
 */
class RecordedFormatsTest {

    private static String fixture(String name) throws IOException {
        try (InputStream in = RecordedFormatsTest.class.getResourceAsStream("/fixtures/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Reasoning replay(String name, ReasoningRequest request) throws IOException {
        try (FakeOpenAiServer server = new FakeOpenAiServer(FakeOpenAiServer.Dialect.REASONING_CONTENT, "m", null);
                ReasoningModel model = ReasoningModels.open(ModelLocator.parse(server.baseUrl() + "#m"),
                        ModelOptions.defaults())) {
            server.fault(new FakeOpenAiServer.Fault.Raw(fixture(name)));
            return model.reason(request);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"deepseek-reasoner.sse", "vllm-reasoning.sse", "vllm-reasoning-content.sse",
        "sglang.sse", "ollama-inline-think.sse"})
    void everyDocumentedReasoningFieldBecomesThinking(String fixture) throws IOException {
        Reasoning r = replay(fixture, ReasoningRequest.of("What is 2 + 2?"));
        assertEquals("Okay, 2 plus 2 is 4.", r.thinking());
        assertEquals("2 + 2 = 4.", r.answer());
        assertEquals(FinishReason.STOP, r.finish());
        assertTrue(r.usage().thinkingTokens() > 0);
        assertEquals(1, r.servedBy().size());
        assertEquals("m", r.servedBy().get(0).modelId());
    }

    @Test
    void deepSeekUsageReasoningTokensAreTheThinkingCount() throws IOException {
        Reasoning r = replay("deepseek-reasoner.sse", ReasoningRequest.of("What is 2 + 2?"));
        assertEquals(12, r.usage().promptTokens());
        assertEquals(6, r.usage().thinkingTokens(), "completion_tokens_details.reasoning_tokens");
        assertEquals(3, r.usage().answerTokens(), "completion_tokens minus reasoning_tokens");
    }

    @Test
    void withoutServerReasoningCountsEachStreamedPieceIsOneToken() throws IOException {
        Reasoning r = replay("vllm-reasoning.sse", ReasoningRequest.of("What is 2 + 2?"));
        assertEquals(3, r.usage().thinkingTokens());
        assertEquals(6, r.usage().answerTokens(), "server completion_tokens 9 = 3 counted + 6");
    }

    @Test
    void aBudgetCutOfARecordedStreamStillAnswers() throws IOException {
        Reasoning r = replay("sglang.sse", ReasoningRequest.builder().user("What is 2 + 2?")
                .thinkingBudget(ThinkingBudget.tokens(1)).answerMaxTokens(32).build());
        assertEquals(FinishReason.THINKING_BUDGET, r.finish());
        assertEquals(1, r.usage().thinkingTokens());
        assertEquals("Okay, 2", r.thinking());
        assertTrue(!r.answer().isEmpty(), "the answer came from a second request with the thinking closed");
        assertEquals(2, r.servedBy().size());
    }
}

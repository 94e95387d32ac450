package dev.deliberate.core.internal;

import static dev.deliberate.core.internal.ScriptedChatGenerator.Piece.content;
import static dev.deliberate.core.internal.ScriptedChatGenerator.Piece.reasoning;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.core.spi.AssistantPrefix;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared orchestration driving a chat-shaped backend: the same rules as for text generators. */
class ChatOrchestrationTest {

    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}},"
            + "\"required\":[\"ok\"],\"additionalProperties\":false}";

    private static Reasoning run(ScriptedChatGenerator g, ReasoningRequest request) {
        try (TextReasoningModel m = new TextReasoningModel(g)) {
            return m.reason(request);
        }
    }

    private static List<ScriptedChatGenerator.Piece> thinkingThenAnswer(int thinking) {
        List<ScriptedChatGenerator.Piece> out = new ArrayList<>();
        for (int i = 0; i < thinking; i++) {
            out.add(reasoning("t" + i + " "));
        }
        out.add(content("The answer"));
        out.add(content(" is 4."));
        return out;
    }

    @Test
    void serverSplitReasoningBecomesThinkingInOneRequest() {
        ScriptedChatGenerator g = new ScriptedChatGenerator(r -> thinkingThenAnswer(3));
        Reasoning r = run(g, ReasoningRequest.of("2+2?"));
        assertEquals("t0 t1 t2", r.thinking());
        assertEquals("The answer is 4.", r.answer());
        assertEquals(FinishReason.STOP, r.finish());
        assertEquals(3, r.usage().thinkingTokens());
        assertEquals(2, r.usage().answerTokens());
        assertEquals(1, g.requests.size());
        assertTrue(g.requests.get(0).prefix().isEmpty());
    }

    @Test
    void inlineThinkTagsInContentAreParsedCentrally() {
        ScriptedChatGenerator g = new ScriptedChatGenerator(r -> List.of(content("<th"), content("ink>hmm"),
                content("</think>"), content("\n\n42")));
        Reasoning r = run(g, ReasoningRequest.of("q"));
        assertEquals("hmm", r.thinking());
        assertEquals("42", r.answer());
    }

    @Test
    void tokenBudgetStopsTheStreamAndAsksForTheAnswerWithThinkingClosed() {
        ScriptedChatGenerator g = new ScriptedChatGenerator(r -> r.prefix().isPresent()
                ? List.of(content("Four."))
                : thinkingThenAnswer(50));
        Reasoning r = run(g, ReasoningRequest.builder().user("2+2?").thinkingBudget(ThinkingBudget.tokens(5))
                .answerMaxTokens(10).build());
        assertEquals(FinishReason.THINKING_BUDGET, r.finish());
        assertEquals(5, r.usage().thinkingTokens(), "the budget is a hard bound");
        assertEquals("t0 t1 t2 t3 t4", r.thinking());
        assertEquals("Four.", r.answer());
        assertEquals(2, g.requests.size());
        assertEquals(15, g.requests.get(0).maxTokens(), "one stream has room for thinking and answer");
        AssistantPrefix prefix = g.requests.get(1).prefix().orElseThrow();
        assertTrue(prefix.thinkingClosed());
        assertEquals("t0 t1 t2 t3 t4", prefix.thinking());
        assertEquals("", prefix.answer());
    }

    @Test
    void unboundedThinkingLeavesTheTokenBoundToTheServer() {
        ScriptedChatGenerator g = new ScriptedChatGenerator(r -> thinkingThenAnswer(3));
        run(g, ReasoningRequest.builder().user("q").answerMaxTokens(10).build());
        assertEquals(Integer.MAX_VALUE, g.requests.get(0).maxTokens(),
                "the client's prompt count is an estimate: filling the context by it overflows the server's");
    }

    @Test
    void budgetZeroSendsAClosedEmptyThinkingPrefix() {
        ScriptedChatGenerator g = new ScriptedChatGenerator(r -> List.of(content("Yes.")));
        Reasoning r = run(g, ReasoningRequest.builder().user("q").thinkingBudget(ThinkingBudget.none()).build());
        assertEquals("", r.thinking());
        assertEquals("Yes.", r.answer());
        assertEquals(1, g.requests.size());
        assertEquals(new AssistantPrefix("", true, ""), g.requests.get(0).prefix().orElseThrow());
    }

    @Test
    void reasoningOnlyAfterTheSdkClosedThinkingIsTheAnswer() {
        // vLLM's deepseek_r1 parser labels a continued answer "reasoning": it never saw </think> in the output
        ScriptedChatGenerator g = new ScriptedChatGenerator(r -> List.of(reasoning("Yes"), reasoning(", 4.")));
        List<ReasoningEvent> events = new ArrayList<>();
        Reasoning r;
        try (TextReasoningModel m = new TextReasoningModel(g)) {
            r = m.start(ReasoningRequest.builder().user("q").thinkingBudget(ThinkingBudget.none()).build(),
                    events::add).join();
        }
        assertEquals("", r.thinking());
        assertEquals("Yes, 4.", r.answer());
        assertEquals(2, r.usage().answerTokens());
        assertFalse(events.stream().anyMatch(e -> e instanceof ReasoningEvent.ThinkingDelta));
    }

    @Test
    void thinkingAgainAfterTheSdkClosedItIsCountedNeverShown() {
        ScriptedChatGenerator g = new ScriptedChatGenerator(r -> List.of(reasoning("again"), content("Yes.")));
        Reasoning r = run(g, ReasoningRequest.builder().user("q").thinkingBudget(ThinkingBudget.none()).build());
        assertEquals("", r.thinking());
        assertEquals("Yes.", r.answer());
        assertEquals(2, r.usage().answerTokens(), "the tokens were spent, so they count");
    }

    @Test
    void schemaAnswerIsRequestedWithServerStructuredOutputAfterTheThinking() {
        ScriptedChatGenerator g = new ScriptedChatGenerator(r -> r.jsonSchema().isPresent()
                ? List.of(content("{\"ok\":"), content("true}"))
                : thinkingThenAnswer(2));
        Reasoning r = run(g, ReasoningRequest.builder().user("q").answerFormat(AnswerFormat.jsonSchema(SCHEMA))
                .build());
        assertEquals("{\"ok\":true}", r.answer());
        assertTrue(r.answerJson().orElseThrow().get("ok").asBoolean());
        assertEquals(2, g.requests.size());
        assertEquals("t0 t1", g.requests.get(1).prefix().orElseThrow().thinking());
        assertTrue(g.requests.get(1).prefix().orElseThrow().thinkingClosed());
    }

    @Test
    void unconstrainedServerGetsTheSchemaInstructionAndCorrectiveRetries() {
        int[] calls = {0};
        ScriptedChatGenerator g = new ScriptedChatGenerator(r -> r.prefix().isEmpty()
                ? thinkingThenAnswer(1)
                : ++calls[0] == 1 ? List.of(content("not json")) : List.of(content("{\"ok\":false}")));
        g.canConstrain = false;
        Reasoning r = run(g, ReasoningRequest.builder().user("q").answerFormat(AnswerFormat.jsonSchema(SCHEMA))
                .build());
        assertEquals("{\"ok\":false}", r.answer());
        assertTrue(g.requests.get(0).messages().get(1).content().contains("JSON Schema"));
        assertTrue(g.requests.stream().allMatch(q -> q.jsonSchema().isEmpty()));
        assertEquals(3, g.requests.size(), "thinking, invalid answer, corrective retry");
    }

    @Test
    void unknownContextLengthLeavesTheLengthToTheServer() {
        ScriptedChatGenerator g = new ScriptedChatGenerator(r -> thinkingThenAnswer(2));
        g.context = 0;
        Reasoning r = run(g, ReasoningRequest.of("x ".repeat(10_000)));
        assertEquals("The answer is 4.", r.answer());
    }
}

package dev.deliberate.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ContextOverflowException;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.InvalidAnswerException;
import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.ThinkingBudget;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The orchestrator's own rules, on scripted pieces (real inference: the llama.cpp conformance test). */
class TextReasoningModelTest {

    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}},"
            + "\"required\":[\"ok\"],\"additionalProperties\":false}";

    private static Reasoning run(ScriptedGenerator g, ReasoningRequest request) {
        try (TextReasoningModel m = new TextReasoningModel(g)) {
            return m.reason(request);
        }
    }

    @Test
    void modelClosingThinkingItselfAnswersInTheSameGeneration() {
        ScriptedGenerator g = ScriptedGenerator.fixed(true, "Let me", " think.\n</th", "ink>\n\nThe answer", " is 4.");
        Reasoning r = run(g, ReasoningRequest.of("2+2?"));
        assertEquals("Let me think.", r.thinking());
        assertEquals("The answer is 4.", r.answer());
        assertEquals(FinishReason.STOP, r.finish());
        assertEquals(1, g.requests.size(), "no second generation when the model closes thinking itself");
        assertEquals(3, r.usage().thinkingTokens());
        assertEquals(1, r.usage().answerTokens());
    }

    @Test
    void modelOpeningThinkingItselfIsSplit() {
        ScriptedGenerator g = ScriptedGenerator.fixed(false, "<th", "ink>\nhmm", "</think>", "\n\n42");
        Reasoning r = run(g, ReasoningRequest.of("q"));
        assertEquals("hmm", r.thinking());
        assertEquals("42", r.answer());
    }

    @Test
    void modelWithoutThinkTagsAnswersDirectly() {
        ScriptedGenerator g = ScriptedGenerator.fixed(false, "42 is", " the answer");
        Reasoning r = run(g, ReasoningRequest.of("q"));
        assertEquals("", r.thinking());
        assertEquals("42 is the answer", r.answer());
        assertEquals(0, r.usage().thinkingTokens());
        assertEquals(2, r.usage().answerTokens());
        assertEquals(FinishReason.STOP, r.finish());
    }

    @Test
    void tokenBudgetClosesThinkingAndStillAnswersFromTheSamePrefix() {
        ScriptedGenerator g = new ScriptedGenerator(true, true, req -> req.prompt().endsWith("</think>\n\n")
                ? List.of("Yes", ".") : ScriptedGenerator.repeat("a ", 100));
        Reasoning r = run(g, ReasoningRequest.builder().user("q").thinkingBudget(ThinkingBudget.tokens(5)).build());
        assertEquals(FinishReason.THINKING_BUDGET, r.finish());
        assertEquals(5, r.usage().thinkingTokens());
        assertEquals("a a a a a", r.thinking());
        assertEquals("Yes.", r.answer());
        assertEquals(2, g.requests.size());
        String first = g.requests.get(0).prompt();
        assertEquals(first + "a a a a a \n</think>\n\n", g.requests.get(1).prompt(),
                "the answer prompt extends the thinking prompt, so the prefix stays cached");
    }

    @Test
    void budgetZeroAnswersAtOnce() {
        ScriptedGenerator g = ScriptedGenerator.fixed(true, "Now.");
        Reasoning r = run(g, ReasoningRequest.builder().user("q").thinkingBudget(ThinkingBudget.none()).build());
        assertEquals("", r.thinking());
        assertEquals("Now.", r.answer());
        assertEquals(0, r.usage().thinkingTokens());
        assertEquals(1, g.requests.size());
        assertTrue(g.requests.get(0).prompt().endsWith("<think>\n\n</think>\n\n"));
        assertEquals(FinishReason.THINKING_BUDGET, r.finish());
    }

    @Test
    void answerHasItsOwnTokenBound() {
        ScriptedGenerator g = new ScriptedGenerator(true, true, req -> {
            List<String> p = new ArrayList<>(List.of("t", "</think>"));
            p.addAll(ScriptedGenerator.repeat(" w", 50));
            return p;
        });
        Reasoning r = run(g, ReasoningRequest.builder().user("q").answerMaxTokens(7).build());
        assertEquals(FinishReason.LENGTH, r.finish());
        assertEquals(7, r.usage().answerTokens());
    }

    @Test
    void stopStringEndsTheAnswerAndIsNotPartOfIt() {
        ScriptedGenerator g = ScriptedGenerator.fixed(true, "t</think>", "one ", "ST", "OP two");
        Reasoning r = run(g, ReasoningRequest.builder().user("q").stop("STOP").build());
        assertEquals("one", r.answer());
        assertEquals(FinishReason.STOP, r.finish());
    }

    @Test
    void schemaConstrainsOnlyTheAnswer() {
        ScriptedGenerator g = new ScriptedGenerator(true, true, req -> req.jsonSchema().isPresent()
                ? List.of("{\"ok\":", "true}") : List.of("free ", "thought", "</think>", "ignored"));
        Reasoning r = run(g, ReasoningRequest.builder().user("q").answerFormat(AnswerFormat.jsonSchema(SCHEMA)).build());
        assertTrue(g.requests.get(0).jsonSchema().isEmpty(), "thinking is never constrained");
        assertTrue(g.requests.get(1).jsonSchema().isPresent());
        assertTrue(g.requests.get(1).prompt().endsWith("free thought</think>\n\n"));
        assertEquals("free thought", r.thinking());
        assertEquals(true, r.answerJson().orElseThrow().get("ok").asBoolean());
        assertEquals(FinishReason.STOP, r.finish());
    }

    @Test
    void unconstrainedBackendGetsErrorsFedBackAndRetries() {
        ScriptedGenerator g = new ScriptedGenerator(true, false, req -> {
            if (!req.prompt().endsWith("</think>\n\n")) {
                return List.of("hm", "</think>");
            }
            return req.prompt().contains("not valid") ? List.of("{\"ok\":true}") : List.of("{\"ok\":\"yes\"}");
        });
        Reasoning r = run(g, ReasoningRequest.builder().user("q").answerFormat(AnswerFormat.jsonSchema(SCHEMA)).build());
        assertEquals("{\"ok\":true}", r.answer());
        assertTrue(r.answerJson().isPresent());
        assertTrue(g.requests.get(0).prompt().contains("JSON Schema"), "the schema is put in the prompt");
        assertTrue(g.requests.stream().allMatch(q -> q.jsonSchema().isEmpty()));
    }

    @Test
    void unconstrainedInvalidAnswerAfterRetriesThrowsWithTheAnswer() {
        ScriptedGenerator g = new ScriptedGenerator(true, false, req -> List.of("</think>", "nope"));
        InvalidAnswerException e = assertThrows(InvalidAnswerException.class, () -> run(g,
                ReasoningRequest.builder().user("q").answerFormat(AnswerFormat.jsonSchema(SCHEMA)).answerRetries(2)
                        .build()));
        assertEquals("nope", e.answer());
        assertFalse(e.errors().isEmpty());
        assertEquals(3, g.requests.size() - 1, "first answer plus two retries");
    }

    @Test
    void deadlineAlreadyPassedIsRejectedBeforeGeneration() {
        ScriptedGenerator g = ScriptedGenerator.fixed(true, "x");
        try (TextReasoningModel m = new TextReasoningModel(g)) {
            ReasoningRequest req = ReasoningRequest.builder().user("q")
                    .thinkingBudget(ThinkingBudget.unlimited().withDeadline(Instant.now().minusSeconds(1))).build();
            assertThrows(InvalidRequestException.class, () -> m.start(req, e -> { }));
        }
        assertTrue(g.requests.isEmpty());
    }

    @Test
    void timeoutCountsFromTheCallNotFromWhenTheRequestWasBuilt() {
        ReasoningRequest req = ReasoningRequest.builder().user("q")
                .thinkingBudget(ThinkingBudget.unlimited().within(Duration.ofMillis(1))).build();
        Instant built = Instant.now();
        while (!Instant.now().isAfter(built.plusMillis(5))) {
            Thread.onSpinWait(); // the request's timeout is long over before the call starts
        }
        ScriptedGenerator g = new ScriptedGenerator(true, true, r -> r.prompt().endsWith("</think>\n\n")
                ? List.of("Yes.") : slowPieces());
        Reasoning r = run(g, req); // used to fail: "the thinking deadline ... has already passed"
        assertEquals(FinishReason.DEADLINE, r.finish());
        assertEquals(Optional.of(FinishReason.DEADLINE), r.thinkingCut());
        assertEquals("Yes.", r.answer());
    }

    @Test
    void zeroTimeoutAnswersAtOnceWithDeadline() {
        ScriptedGenerator g = ScriptedGenerator.fixed(true, "Now.");
        Reasoning r = run(g, ReasoningRequest.builder().user("q")
                .thinkingBudget(ThinkingBudget.unlimited().within(Duration.ZERO)).build());
        assertEquals(FinishReason.DEADLINE, r.finish());
        assertEquals(0, r.usage().thinkingTokens());
        assertEquals("Now.", r.answer());
        assertEquals(1, g.requests.size());
        assertTrue(g.requests.get(0).prompt().endsWith("</think>\n\n"));
    }

    @Test
    void timeoutCutsThinkingWhileItRuns() {
        ScriptedGenerator g = new ScriptedGenerator(true, true, r -> r.prompt().endsWith("</think>\n\n")
                ? List.of("Yes.") : slowPieces());
        Reasoning r = run(g, ReasoningRequest.builder().user("q")
                .thinkingBudget(ThinkingBudget.unlimited().within(Duration.ofMillis(20))).build());
        assertEquals(FinishReason.DEADLINE, r.finish());
        assertTrue(r.usage().thinkingTokens() > 0 && r.usage().thinkingTokens() < 1000, r.usage()::toString);
        assertFalse(r.timings().thinking().compareTo(Duration.ofMillis(20)) < 0, "closed at the timeout, not before");
    }

    @Test
    void thinkingCutThenAnswerAtItsBoundIsLengthWithTheCutStillReported() {
        ScriptedGenerator g = new ScriptedGenerator(true, true, r -> ScriptedGenerator.repeat("w ", 100));
        Reasoning r = run(g, ReasoningRequest.builder().user("q").thinkingBudget(ThinkingBudget.tokens(3))
                .answerMaxTokens(4).build());
        assertEquals(FinishReason.LENGTH, r.finish());
        assertTrue(r.answerTruncated());
        assertEquals(Optional.of(FinishReason.THINKING_BUDGET), r.thinkingCut());
        assertEquals(3, r.usage().thinkingTokens());
        assertEquals(4, r.usage().answerTokens());
    }

    @Test
    void modelClosingItsOwnThinkingReportsNoCut() {
        ScriptedGenerator g = ScriptedGenerator.fixed(true, "t", "</think>", "a");
        Reasoning r = run(g, ReasoningRequest.of("q"));
        assertEquals(Optional.empty(), r.thinkingCut());
        assertFalse(r.answerTruncated());
    }

    @Test
    void budgetWithBothBoundsUsesTheEarlier() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        ThinkingBudget b = ThinkingBudget.tokens(5).within(Duration.ofSeconds(2));
        assertEquals(Optional.of(start.plusSeconds(2)), b.deadlineFor(start));
        assertEquals(Optional.of(start.plusSeconds(1)), b.withDeadline(start.plusSeconds(1)).deadlineFor(start));
        assertEquals(Optional.of(start.plusSeconds(2)), b.withDeadline(start.plusSeconds(9)).deadlineFor(start));
        assertEquals(Optional.empty(), ThinkingBudget.tokens(5).deadlineFor(start));
        assertEquals(Optional.of(Instant.MAX), ThinkingBudget.unlimited().within(Duration.ofSeconds(Long.MAX_VALUE))
                .deadlineFor(start));
        assertThrows(InvalidRequestException.class, () -> ThinkingBudget.unlimited().within(Duration.ofMillis(-1)));
    }

    /** Thinking pieces that take 0.2 ms each, as a slow model's would (busy wait, no sleep). */
    private static List<String> slowPieces() {
        return new AbstractList<>() {
            @Override
            public String get(int index) {
                long until = System.nanoTime() + 200_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                return "a ";
            }

            @Override
            public int size() {
                return 3000;
            }
        };
    }

    @Test
    void promptLongerThanTheContextIsRejectedBeforeGeneration() {
        ScriptedGenerator g = ScriptedGenerator.fixed(true, "x");
        g.context = 300;
        try (TextReasoningModel m = new TextReasoningModel(g)) {
            ReasoningRequest req = ReasoningRequest.builder().user("word ".repeat(200)).answerMaxTokens(100).build();
            ContextOverflowException e = assertThrows(ContextOverflowException.class, () -> m.start(req, ev -> { }));
            assertTrue(e.getMessage().contains("context of 300"));
        }
        assertTrue(g.requests.isEmpty());
    }

    @Test
    void listenerFailureCancelsTheCall() {
        ScriptedGenerator g = ScriptedGenerator.fixed(true, ScriptedGenerator.repeat("a ", 50).toArray(String[]::new));
        try (TextReasoningModel m = new TextReasoningModel(g)) {
            Reasoning r = m.start(ReasoningRequest.of("q"), e -> {
                throw new IllegalStateException("listener bug");
            }).join();
            assertEquals(FinishReason.CANCELLED, r.finish());
            assertTrue(r.usage().thinkingTokens() < 50);
        }
    }

    @Test
    void eventsComeInOrderAndAddUpToTheResult() {
        ScriptedGenerator g = ScriptedGenerator.fixed(true, "a", " b", "</think>", "c", " d");
        List<ReasoningEvent> events = new ArrayList<>();
        try (TextReasoningModel m = new TextReasoningModel(g)) {
            Reasoning r = m.start(ReasoningRequest.of("q"), events::add).join();
            StringBuilder t = new StringBuilder();
            StringBuilder a = new StringBuilder();
            boolean answering = false;
            for (int i = 0; i < events.size() - 1; i++) {
                ReasoningEvent e = events.get(i);
                if (e instanceof ReasoningEvent.ThinkingDelta d) {
                    assertFalse(answering);
                    t.append(d.text());
                } else if (e instanceof ReasoningEvent.AnswerDelta d) {
                    answering = true;
                    a.append(d.text());
                } else {
                    throw new AssertionError("Done before the end");
                }
            }
            assertEquals(new ReasoningEvent.Done(r), events.get(events.size() - 1));
            assertEquals(r.thinking(), t.toString());
            assertEquals(r.answer(), a.toString());
        }
    }

    @Test
    void closeClosesTheGeneratorAndRejectsNewCalls() {
        ScriptedGenerator g = ScriptedGenerator.fixed(true, "x");
        TextReasoningModel m = new TextReasoningModel(g);
        m.close();
        assertTrue(g.closed);
        assertThrows(dev.deliberate.core.DeliberateException.class, () -> m.reason(ReasoningRequest.of("q")));
    }
}

package dev.deliberate.core.cascade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.core.council.Council;
import dev.deliberate.core.council.CouncilOptions;
import dev.deliberate.core.testing.StubModel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CascadeTest {

    private static final ReasoningRequest REQUEST = ReasoningRequest.builder().user("Is it urgent?")
            .answerFormat(AnswerFormat.jsonSchema("{\"type\":\"object\",\"properties\":{\"urgent\":{\"type\":"
                    + "\"boolean\"},\"confidence\":{\"type\":\"number\"}},\"required\":[\"urgent\",\"confidence\"]}"))
            .build();

    private static StubModel says(String name, String answer) {
        return StubModel.answering(name, answer, Duration.ZERO);
    }

    private static List<StepResult.Status> statuses(CascadeResult r) {
        return r.path().stream().map(StepResult::status).toList();
    }

    @Test
    void aConfidentFastAnswerIsTakenAndNothingElseRuns() {
        StubModel fast = says("fast", "{\"urgent\":false,\"confidence\":0.95}");
        StubModel deep = says("deep", "{\"urgent\":true,\"confidence\":0.99}");
        CascadeResult r = Cascade.builder().fast("fast", fast, ThinkingBudget.none())
                .deep("deep", deep, ThinkingBudget.tokens(512))
                .rule(CascadeRule.confidenceBelow("/confidence", 0.8)).build().run(REQUEST);
        assertTrue(r.resolved());
        assertEquals(Optional.of("fast"), r.decidedBy());
        assertEquals(List.of(StepResult.Status.ACCEPTED), statuses(r));
        assertEquals(0, fast.requests().get(0).thinkingBudget().maxTokens(), "fast step: no thinking");
        assertTrue(deep.requests().isEmpty());
        assertEquals(r.path().get(0).usage(), r.usage());
    }

    @Test
    void lowConfidenceEscalatesToDeepReasoning() {
        StubModel deep = says("deep", "{\"urgent\":true,\"confidence\":0.9}");
        CascadeResult r = Cascade.builder().fast("fast", says("fast", "{\"urgent\":false,\"confidence\":0.4}"),
                ThinkingBudget.none()).deep("deep", deep, ThinkingBudget.tokens(512))
                .rule(CascadeRule.confidenceBelow("/confidence", 0.8)).build().run(REQUEST);
        assertEquals(List.of(StepResult.Status.ESCALATED, StepResult.Status.ACCEPTED), statuses(r));
        assertTrue(r.path().get(0).reason().orElseThrow().contains("below 0.8"), r.path().get(0).reason().get());
        assertEquals(512, deep.requests().get(0).thinkingBudget().maxTokens());
        assertEquals(true, r.answerJson().orElseThrow().get("urgent").asBoolean());
        assertEquals(10 + 10, r.usage().promptTokens(), "both steps' cost is counted");
    }

    @Test
    void anInvalidOrFailedFastAnswerEscalates() {
        CascadeResult r = Cascade.builder().fast("fast", says("fast", "{\"urgent\":\"perhaps\"}"))
                .fast("fast2", StubModel.down("d"))
                .deep("deep", says("deep", "{\"urgent\":true,\"confidence\":0.9}"), ThinkingBudget.tokens(64))
                .build().run(REQUEST);
        assertEquals(List.of(StepResult.Status.ESCALATED, StepResult.Status.FAILED, StepResult.Status.ACCEPTED),
                statuses(r));
        assertTrue(r.path().get(0).reason().orElseThrow().startsWith("invalid answer"));
        assertTrue(r.path().get(1).reason().orElseThrow().contains("BackendUnavailableException"));
    }

    @Test
    void aNovelCaseSkipsTheFastSteps() {
        StubModel fast = says("fast", "{\"urgent\":false,\"confidence\":0.99}");
        CascadeResult r = Cascade.builder().fast("fast", fast)
                .deep("deep", says("deep", "{\"urgent\":true,\"confidence\":0.9}"), ThinkingBudget.tokens(64))
                .build().run(REQUEST, true);
        assertEquals(List.of(StepResult.Status.SKIPPED, StepResult.Status.ACCEPTED), statuses(r));
        assertTrue(fast.requests().isEmpty());
        assertTrue(r.novel());
        assertThrows(InvalidRequestException.class, () -> Cascade.builder().fast("f", fast).build()
                .run(REQUEST, true));
    }

    @Test
    void aCustomRuleEscalates() {
        CascadeResult r = Cascade.builder().fast("fast", says("fast", "{\"urgent\":true,\"confidence\":0.99}"))
                .deep("deep", says("deep", "{\"urgent\":true,\"confidence\":0.99}"), ThinkingBudget.tokens(64))
                .rule((req, ans) -> ans.answerJson().orElseThrow().get("urgent").asBoolean()
                        && ans.usage().thinkingTokens() < 100 ? Optional.of("urgent needs thought") : Optional.empty())
                .rule(CascadeRule.finishedBy(FinishReason.LENGTH))
                .build().run(REQUEST);
        assertEquals(List.of(StepResult.Status.ESCALATED, StepResult.Status.ESCALATED), statuses(r));
        assertFalse(r.resolved(), "no step satisfied the rule");
        assertEquals(Optional.of("deep"), r.decidedBy(), "the last answer is still returned");
    }

    @Test
    void theCouncilIsTheLastResortAndItsDisagreementLeavesTheCaseUnresolved() {
        Council agreeing = Council.builder().member("a", says("a", "{\"urgent\":true,\"confidence\":0.7}"))
                .member("b", says("b", "{\"urgent\":true,\"confidence\":0.7}"))
                .options(CouncilOptions.builder().review(false).build()).build();
        Council split = Council.builder().member("a", says("a", "{\"urgent\":true,\"confidence\":0.7}"))
                .member("b", says("b", "{\"urgent\":false,\"confidence\":0.7}"))
                .options(CouncilOptions.builder().review(false).threshold(0.9).build()).build();
        CascadeRule lowConfidence = CascadeRule.confidenceBelow("/confidence", 0.8);
        CascadeResult ok = Cascade.builder().fast("fast", says("f", "{\"urgent\":false,\"confidence\":0.1}"))
                .council("council", agreeing).rule(lowConfidence).build().run(REQUEST);
        assertTrue(ok.resolved());
        assertEquals(Optional.of("council"), ok.decidedBy());
        assertTrue(ok.path().get(1).council().isPresent());
        assertEquals(true, ok.answerJson().orElseThrow().get("urgent").asBoolean());
        CascadeResult bad = Cascade.builder().fast("fast", says("f", "{\"urgent\":false,\"confidence\":0.1}"))
                .council("council", split).rule(lowConfidence).build().run(REQUEST);
        assertFalse(bad.resolved());
        assertTrue(bad.path().get(1).reason().orElseThrow().contains("disagrees"));
    }

    @Test
    void aConfidenceThatOverflowsToInfinityIsNotConfidence() {
        // what the random tiny model once wrote: valid JSON, a number too large for a double
        StubModel fast = says("fast", "{\"urgent\":false,\"confidence\":6667e7458667980798586}");
        StubModel deep = says("deep", "{\"urgent\":true,\"confidence\":0.9}");
        CascadeResult r = Cascade.builder().fast("fast", fast).deep("deep", deep, ThinkingBudget.tokens(8))
                .rule(CascadeRule.confidenceBelow("/confidence", 0.8)).build().run(REQUEST);
        assertEquals(Optional.of("deep"), r.decidedBy());
        assertTrue(r.path().get(0).reason().orElseThrow().endsWith("is not a finite number"),
                r.path().get(0).reason().orElseThrow());
    }

    @Test
    void aCouncilBelowQuorumIsAFailedStepWithItsPartialResult() {
        Council down = Council.builder().member("a", StubModel.down("a")).member("b", StubModel.down("b")).build();
        CascadeResult r = Cascade.builder().fast("fast", says("f", "{\"urgent\":false,\"confidence\":0.1}"))
                .council("council", down).rule(CascadeRule.confidenceBelow("/confidence", 0.8)).build().run(REQUEST);
        assertEquals(List.of(StepResult.Status.ESCALATED, StepResult.Status.FAILED), statuses(r));
        assertEquals(2, r.path().get(1).council().orElseThrow().members().size());
        assertFalse(r.resolved());
        assertEquals(Optional.of("fast"), r.decidedBy(), "the last answer produced is still there to show");
    }

    @Test
    void confidenceRuleNeedsANumber() {
        CascadeResult r = Cascade.builder().fast("fast", says("fast", "{\"urgent\":true,\"confidence\":0.9}"))
                .rule(CascadeRule.confidenceBelow("/certainty", 0.5)).build().run(REQUEST);
        assertTrue(r.path().get(0).reason().orElseThrow().contains("missing"));
        assertThrows(IllegalArgumentException.class, () -> CascadeRule.confidenceBelow("confidence", 0.5));
        assertThrows(InvalidRequestException.class, () -> Cascade.builder().build());
        assertThrows(InvalidRequestException.class, () -> Cascade.builder().fast("x", says("a", "{}"))
                .fast("x", says("b", "{}")));
    }
}

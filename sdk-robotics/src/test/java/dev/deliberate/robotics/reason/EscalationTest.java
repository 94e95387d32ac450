package dev.deliberate.robotics.reason;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.budget.DecodeRateEstimator;
import dev.deliberate.robotics.action.ActionServer;
import dev.deliberate.robotics.action.GoalObserver;
import dev.deliberate.robotics.action.GoalResult;
import dev.deliberate.robotics.action.GoalStatus;
import dev.deliberate.robotics.testing.TestModels;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reflexes first, then the fast configuration, then deep reasoning; the result says which path answered and why. */
class EscalationTest {

    static final String SCHEMA = """
            {"type":"object","required":["action"],"additionalProperties":false,
             "properties":{"action":{"enum":["slow_down","change_lane","stop"]},
                           "confidence":{"type":"number","minimum":0,"maximum":1}}}""";
    static final DecisionGuard GUARD = DecisionGuard.of(SCHEMA);
    static final String FALLBACK = "{\"action\":\"stop\"}";
    static final List<Reflex> RULES = ReflexRules.parse("""
            [{"when": {"pointer": "/distance_m", "below": 5}, "decide": {"action": "stop"},
              "why": "obstacle closer than 5 m"},
             {"when": {"pointer": "/object", "equals": "person"}, "escalate": "a person may be on the lane"},
             {"when": {"pointer": "/lane_change_ok", "equals": true}, "decide": {"action": "fly"}}]""");

    static DeadlineReasoner.Builder builder(ReasoningModel deep) {
        return DeadlineReasoner.builder(deep, GUARD, FALLBACK)
                .estimator(new DecodeRateEstimator(200, Duration.ofMillis(5), 20, 0.8)).reflexes(RULES);
    }

    static ReasonResult run(DeadlineReasoner reasoner, String context) {
        try (var server = ActionServer.builder("reason", reasoner).build()) {
            GoalResult<ReasonResult> r = server.submit(new ReasonGoal("obstacle ahead", context,
                    RosDuration.of(Duration.ofSeconds(2))), GoalObserver.ignoring()).result().join();
            assertEquals(GoalStatus.SUCCEEDED, r.status(), r.message());
            return r.result().orElseThrow();
        }
    }

    @Test
    void aReflexDecidesWithoutCallingAModel() {
        var deep = new TestModels.InstantModel("{\"action\":\"change_lane\"}");
        ReasonResult r = run(builder(deep).build(), "{\"distance_m\":3}");
        assertEquals("{\"action\":\"stop\"}", r.decisionJson());
        assertEquals(ReasonPath.REFLEX, r.pathTaken().orElseThrow());
        assertEquals("obstacle closer than 5 m", r.pathReason());
        assertFalse(r.fallbackUsed());
        assertEquals("", r.model());
        assertTrue(deep.requests.isEmpty());
    }

    @Test
    void aReflexDecisionTheSchemaRefusesEscalatesToDeepReasoning() {
        var deep = new TestModels.InstantModel("{\"action\":\"change_lane\"}");
        ReasonResult r = run(builder(deep).build(), "{\"distance_m\":30,\"lane_change_ok\":true}");
        assertEquals(ReasonPath.DEEP, r.pathTaken().orElseThrow());
        assertTrue(r.pathReason().contains("not allowed"), r.pathReason());
        assertEquals("{\"action\":\"change_lane\"}", r.decisionJson());
        assertEquals(1, deep.requests.size());
    }

    @Test
    void theFastConfigurationAnswersFirstWithoutThinking() {
        var deep = new TestModels.InstantModel("{\"action\":\"change_lane\"}");
        var small = new TestModels.InstantModel("{\"action\":\"slow_down\"}");
        ReasonResult r = run(builder(deep).fastPath(FastPath.smallModel(small, 0)).build(), "{\"distance_m\":30}");
        assertEquals(ReasonPath.FAST, r.pathTaken().orElseThrow());
        assertEquals("{\"action\":\"slow_down\"}", r.decisionJson());
        assertTrue(deep.requests.isEmpty());
        assertEquals(0, small.requests.get(0).thinkingBudget().maxTokens());
        assertEquals("instant", r.model());
    }

    @Test
    void aSituationMarkedNovelGoesStraightToDeepReasoning() {
        var deep = new TestModels.InstantModel("{\"action\":\"change_lane\"}");
        var small = new TestModels.InstantModel("{\"action\":\"slow_down\"}");
        ReasonResult r = run(builder(deep).fastPath(FastPath.smallModel(small, 0)).build(),
                "{\"distance_m\":30,\"novel\":true}");
        assertEquals(ReasonPath.DEEP, r.pathTaken().orElseThrow());
        assertTrue(r.pathReason().contains("novel"), r.pathReason());
        assertTrue(small.requests.isEmpty());
        assertTrue(deep.requests.get(0).thinkingBudget().maxTokens() > 0);
        assertTrue(r.thinkingTokensPlanned() > 0);
        assertEquals(5, r.thinkingTokensUsed());
    }

    @Test
    void anEscalatingRuleSkipsTheFastPath() {
        var deep = new TestModels.InstantModel("{\"action\":\"stop\"}");
        var small = new TestModels.InstantModel("{\"action\":\"slow_down\"}");
        ReasonResult r = run(builder(deep).fastPath(FastPath.smallModel(small, 0)).build(),
                "{\"distance_m\":30,\"object\":\"person\"}");
        assertEquals(ReasonPath.DEEP, r.pathTaken().orElseThrow());
        assertEquals("escalated: a person may be on the lane", r.pathReason());
        assertTrue(small.requests.isEmpty());
    }

    @Test
    void anInvalidFastAnswerEscalates() {
        var deep = new TestModels.InstantModel("{\"action\":\"change_lane\"}");
        var small = new TestModels.InstantModel("{\"action\":\"accelerate\"}");
        ReasonResult r = run(builder(deep).fastPath(FastPath.smallModel(small, 0)).build(), "{\"distance_m\":30}");
        assertEquals(ReasonPath.DEEP, r.pathTaken().orElseThrow());
        assertTrue(r.pathReason().contains("fast answer is not an allowed decision"), r.pathReason());
        assertEquals("{\"action\":\"change_lane\"}", r.decisionJson());
    }

    @Test
    void aLowConfidenceFastAnswerEscalatesAndStandsWhenDeepReasoningRunsOutOfTime() throws Exception {
        var small = new TestModels.InstantModel("{\"action\":\"slow_down\",\"confidence\":0.4}");
        try (var stuck = new TestModels.SlowModel(Duration.ofMillis(2), false)) {
            var reasoner = builder(stuck).fastPath(FastPath.smallModel(small, 0).withConfidence("/confidence", 0.7))
                    .build();
            ReasonResult r;
            try (var server = ActionServer.builder("reason", reasoner).build()) {
                GoalResult<ReasonResult> g = server.submit(new ReasonGoal("obstacle", "{\"distance_m\":30}",
                        RosDuration.of(Duration.ofMillis(400))), GoalObserver.ignoring()).result().join();
                r = g.result().orElseThrow();
            }
            // the server's watchdog or the reasoner: either the fast answer stands or the fallback came
            if (r.fallbackUsed()) {
                assertEquals("FALLBACK_DEADLINE", r.finish());
            } else {
                assertEquals(ReasonPath.FAST, r.pathTaken().orElseThrow());
                assertTrue(r.pathReason().contains("confidence 0.4 is below 0.7"), r.pathReason());
                assertTrue(r.pathReason().contains("fast answer stands"), r.pathReason());
            }
        }
    }

    @Test
    void aConfidentFastAnswerIsAccepted() {
        var model = new TestModels.InstantModel("{\"action\":\"slow_down\",\"confidence\":0.9}");
        ReasonResult r = run(builder(model).fastPath(FastPath.noThinking().withConfidence("/confidence", 0.7))
                .build(), "{\"distance_m\":30}");
        // noThinking() is the reasoner's own model with a thinking budget of 0
        assertEquals(ReasonPath.FAST, r.pathTaken().orElseThrow());
        assertTrue(r.pathReason().contains("gave an allowed decision"), r.pathReason());
        assertEquals(1, model.requests.size());
        assertEquals(0, model.requests.get(0).thinkingBudget().maxTokens());
    }

    @Test
    void badRulesAreRefusedWithTheRuleNamed() {
        for (String bad : List.of("{}", "[1]", "[{\"when\":{\"pointer\":\"/a\",\"below\":\"x\"},\"decide\":{}}]",
                "[{\"when\":{\"pointer\":\"a\",\"equals\":1},\"decide\":{}}]",
                "[{\"when\":{\"pointer\":\"/a\",\"equals\":1}}]",
                "[{\"when\":{\"pointer\":\"/a\",\"equals\":1,\"below\":2},\"decide\":{}}]",
                "[{\"when\":{\"pointer\":\"/a\",\"equals\":1},\"decide\":{},\"then\":1}]", "[" + "[".repeat(100))) {
            var e = assertThrows(ReflexRules.InvalidRulesException.class, () -> ReflexRules.parse(bad), bad);
            assertFalse(e.getMessage().isBlank());
        }
    }
}

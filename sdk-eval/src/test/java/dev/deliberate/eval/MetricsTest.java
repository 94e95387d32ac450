package dev.deliberate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.FinishReason;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Figures computed on hand-made result sets whose right values are known. */
class MetricsTest {

    @TempDir
    Path dir;

    static CaseResult result(String setting, String id, Outcome o, Map<String, Double> fields, long ms, int thinking,
            List<String> flags) {
        double score = fields.isEmpty() ? 0 : fields.values().stream().mapToDouble(Double::doubleValue).average()
                .orElse(0);
        return new CaseResult(id, setting, o, o == Outcome.ERROR || o == Outcome.INVALID ? Optional.empty()
                : Optional.of(FinishReason.STOP), fields, score, ms, thinking, 5, Optional.empty(), flags,
                o == Outcome.ERROR ? Optional.of("boom") : Optional.empty());
    }

    static EvalRun run(List<CaseResult> results) {
        return new EvalRun("p@1", Instant.parse("2026-12-01T00:00:00Z"), List.of(
                new SettingInfo("a", "m", "", OptionalInt.of(0), Optional.empty()),
                new SettingInfo("b", "m", "", OptionalInt.of(64), Optional.empty())),
                List.of("urgency", "size_mm"), results);
    }

    static final List<CaseResult> RESULTS = List.of(
            result("a", "c1", Outcome.CORRECT, Map.of("urgency", 1.0, "size_mm", 1.0), 10, 0, List.of()),
            result("a", "c2", Outcome.BUDGET_CUT, Map.of("urgency", 0.0, "size_mm", 1.0), 20, 0,
                    List.of("urgency is \"critical\"")),
            result("a", "c3", Outcome.INVALID, Map.of(), 30, 0, List.of()),
            result("a", "c4", Outcome.WRONG, Map.of("urgency", 1.0), 40, 0, List.of()),
            result("b", "c1", Outcome.CORRECT, Map.of("urgency", 1.0, "size_mm", 1.0), 100, 60, List.of()),
            result("b", "c2", Outcome.CORRECT, Map.of("urgency", 1.0, "size_mm", 1.0), 200, 64, List.of()),
            result("b", "c3", Outcome.ERROR, Map.of(), 300, 0, List.of()),
            result("b", "c4", Outcome.CORRECT, Map.of("urgency", 1.0), 400, 64, List.of()));

    @Test
    void summariesCountOutcomesApartAndScoreFieldsOverTheCasesThatExpectThem() {
        List<SettingSummary> s = run(RESULTS).summaries();
        SettingSummary a = s.get(0);
        assertEquals(4, a.cases());
        assertEquals(0.25, a.accuracy());
        assertEquals(0.75, a.validity());
        assertEquals(1, a.outcomes().get(Outcome.BUDGET_CUT));
        assertEquals(1, a.outcomes().get(Outcome.WRONG));
        assertEquals(1, a.outcomes().get(Outcome.INVALID));
        assertEquals(0, a.outcomes().get(Outcome.DEADLINE));
        // urgency: c1 1, c2 0, c3 invalid 0, c4 1 -> 0.5; size_mm: c1 1, c2 1, c3 0 (c4 does not expect it) -> 2/3
        assertEquals(0.5, a.fieldAccuracy().get("urgency"), 1e-9);
        assertEquals(2.0 / 3, a.fieldAccuracy().get("size_mm"), 1e-9);
        assertEquals((1 + 0.5 + 0 + 1) / 4, a.meanScore(), 1e-9);
        assertEquals(1, a.escalations());
        assertEquals(20, a.latencyP50Millis());
        assertEquals(40, a.latencyP90Millis());
        assertEquals(40, a.latencyMaxMillis());
        SettingSummary b = s.get(1);
        assertEquals(0.75, b.accuracy());
        assertEquals(47.0, b.meanThinkingTokens());
    }

    @Test
    void percentileIsNearestRank() {
        long[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, SettingSummary.percentile(v, 0.5));
        assertEquals(9, SettingSummary.percentile(v, 0.9));
        assertEquals(10, SettingSummary.percentile(v, 1.0));
        assertEquals(0, SettingSummary.percentile(new long[0], 0.5));
    }

    @Test
    void comparisonNamesTheCasesThatGotBetterAndWorse() {
        EvalRun before = run(RESULTS);
        List<CaseResult> changed = new java.util.ArrayList<>(RESULTS);
        changed.set(1, result("a", "c2", Outcome.CORRECT, Map.of("urgency", 1.0, "size_mm", 1.0), 20, 9, List.of()));
        changed.set(4, result("b", "c1", Outcome.WRONG, Map.of("urgency", 0.0, "size_mm", 1.0), 100, 60, List.of()));
        changed.add(result("b", "c9", Outcome.CORRECT, Map.of("urgency", 1.0), 1, 1, List.of()));
        Comparison c = Comparison.of(before, run(changed));
        assertEquals(List.of("a/c2"), c.better().stream().map(x -> x.setting() + "/" + x.caseId()).toList());
        assertEquals(List.of("b/c1"), c.worse().stream().map(x -> x.setting() + "/" + x.caseId()).toList());
        assertEquals(6, c.unchanged());
        assertEquals(1, c.unmatched());
        assertEquals(0, c.removed());
        // a: c2 became correct (1 of 4 -> 2 of 4); b: c1 no longer correct (3 of 4 -> 2 of 4); b/c9 is new
        assertEquals(List.of(new Comparison.SettingDelta("a", 4, 0.25, 0.5),
                new Comparison.SettingDelta("b", 4, 0.75, 0.5)), c.settings());
        // the other way round, b/c9 is a result of the baseline that the new run lacks
        Comparison back = Comparison.of(run(changed), before);
        assertEquals(1, back.removed());
        assertEquals(0, back.unmatched());
        assertEquals(List.of("b/c1"), back.better().stream().map(x -> x.setting() + "/" + x.caseId()).toList());
    }

    @Test
    void aRunSurvivesItsJsonFile() throws Exception {
        var answer = new ObjectMapper().readTree("{\"urgency\":\"routine\"}");
        EvalRun r = run(RESULTS.subList(0, 2).stream().map(x -> new CaseResult(x.caseId(), x.setting(), x.outcome(),
                x.finish(), x.fieldScores(), x.score(), x.latencyMillis(), x.thinkingTokens(), x.answerTokens(),
                Optional.of(answer), x.escalations(), x.error())).toList());
        Path f = dir.resolve("results.json");
        r.write(f);
        assertEquals(r, EvalRun.read(f));
    }

    @Test
    void aFileThatIsNotARunIsAClearError() throws Exception {
        Path f = dir.resolve("x.json");
        java.nio.file.Files.writeString(f, "[1,2");
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> EvalRun.read(f));
        assertTrue(e.getMessage().startsWith(f + ": not an evaluation run written by Deliberate"), e.getMessage());
    }
}

package dev.deliberate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.core.cascade.CascadeStep.Tier;
import dev.deliberate.core.cascade.StepResult.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Council agreement against correctness and cascade paths, on hand-made results whose figures are known: precision and
 * recall of the disagreement flag as a warning of a wrong answer, which cascade step answered and why steps escalated.
 */
class CouncilCascadeMetricsTest {

    @TempDir
    Path dir;

    static final Map<String, Double> RIGHT = Map.of("urgency", 1.0);
    static final Map<String, Double> WRONG = Map.of("urgency", 0.0);

    static CaseResult council(String id, Outcome o, Optional<CouncilVerdict> verdict) {
        Map<String, Double> fields = o == Outcome.CORRECT ? RIGHT : o == Outcome.ERROR || o == Outcome.INVALID
                ? Map.of() : WRONG;
        return new CaseResult(id, "council", o, Optional.empty(), fields, o == Outcome.CORRECT ? 1 : 0, 50, 10, 5,
                Optional.empty(), List.of(), o == Outcome.ERROR ? Optional.of("below quorum") : Optional.empty(),
                verdict, Optional.empty());
    }

    static Optional<CouncilVerdict> agreed(double a) {
        return Optional.of(new CouncilVerdict(false, a, 0.67));
    }

    static Optional<CouncilVerdict> disagreed(double a) {
        return Optional.of(new CouncilVerdict(true, a, 0.67));
    }

    /** 4 agreed and right, 2 agreed and wrong, 1 disagreed and right, 3 disagreed and wrong, 1 without a verdict. */
    static final List<CaseResult> COUNCIL = List.of(
            council("c1", Outcome.CORRECT, agreed(1.0)),
            council("c2", Outcome.CORRECT, agreed(1.0)),
            council("c3", Outcome.CORRECT, agreed(0.9)),
            council("c4", Outcome.CORRECT, agreed(0.8)),
            council("c5", Outcome.WRONG, agreed(1.0)),
            council("c6", Outcome.BUDGET_CUT, agreed(0.7)),
            council("c7", Outcome.CORRECT, disagreed(0.5)),
            council("c8", Outcome.WRONG, disagreed(0.3)),
            council("c9", Outcome.DEADLINE, disagreed(0.4)),
            council("c10", Outcome.INVALID, disagreed(0.0)),
            council("c11", Outcome.ERROR, Optional.empty()));

    static CascadeTrace.Step step(String name, Tier tier, Status status, String reason) {
        return new CascadeTrace.Step(name, tier, status, Optional.ofNullable(reason));
    }

    static CaseResult cascade(String id, boolean right, CascadeTrace trace) {
        return new CaseResult(id, "cascade", right ? Outcome.CORRECT : Outcome.WRONG, Optional.empty(),
                right ? RIGHT : WRONG, right ? 1 : 0, 20, 0, 5, Optional.empty(), List.of(), Optional.empty(),
                Optional.empty(), Optional.of(trace));
    }

    static final List<CaseResult> CASCADE = List.of(
            cascade("k1", true, new CascadeTrace(List.of(step("fast", Tier.FAST, Status.ACCEPTED, null)),
                    Optional.of("fast"), true)),
            cascade("k2", true, new CascadeTrace(List.of(
                    step("fast", Tier.FAST, Status.ESCALATED, "invalid answer: x"),
                    step("deep", Tier.DEEP, Status.ACCEPTED, null)), Optional.of("deep"), true)),
            cascade("k3", false, new CascadeTrace(List.of(
                    step("fast", Tier.FAST, Status.ESCALATED, "invalid answer: x"),
                    step("deep", Tier.DEEP, Status.ACCEPTED, null)), Optional.of("deep"), true)),
            cascade("k4", false, new CascadeTrace(List.of(
                    step("fast", Tier.FAST, Status.SKIPPED, "the case is marked novel"),
                    step("deep", Tier.DEEP, Status.ESCALATED, "safety: defect is \"crack\"")), Optional.of("deep"),
                    false)));

    static EvalRun run() {
        List<CaseResult> all = new ArrayList<>(MetricsTest.RESULTS);
        all.addAll(COUNCIL);
        all.addAll(CASCADE);
        return new EvalRun("p@1", Instant.parse("2026-12-01T00:00:00Z"), List.of(
                new SettingInfo("a", "m", "", OptionalInt.of(0), Optional.empty()),
                new SettingInfo("b", "m", "", OptionalInt.of(64), Optional.empty()),
                new SettingInfo("council", "council(m, n, o)", "", OptionalInt.empty(), Optional.empty(),
                        SettingInfo.Kind.COUNCIL),
                new SettingInfo("cascade", "cascade(fast: m > deep: n)", "", OptionalInt.empty(), Optional.empty(),
                        SettingInfo.Kind.CASCADE)),
                List.of("urgency", "size_mm"), all);
    }

    @Test
    void disagreementIsScoredAsAWarningOfAWrongAnswer() {
        DisagreementWarning w = DisagreementWarning.of(COUNCIL).orElseThrow();
        assertEquals(new DisagreementWarning(4, 2, 1, 3, 1), w);
        assertEquals(10, w.withVerdict());
        // 4 flagged, 3 of them wrong; 5 wrong answers, 3 of them flagged
        assertEquals(OptionalDouble.of(0.75), w.precision());
        assertEquals(OptionalDouble.of(0.6), w.recall());
        assertEquals(OptionalDouble.of(4.0 / 6), w.accuracyWhenAgreed());
        assertEquals(OptionalDouble.of(0.25), w.accuracyWhenDisagreed());
    }

    @Test
    void undefinedRatiosAreEmptyNotZero() {
        DisagreementWarning allAgreedAndRight = DisagreementWarning.of(COUNCIL.subList(0, 4)).orElseThrow();
        assertEquals(OptionalDouble.empty(), allAgreedAndRight.precision(), "nothing flagged");
        assertEquals(OptionalDouble.empty(), allAgreedAndRight.recall(), "nothing wrong");
        assertEquals(OptionalDouble.empty(), allAgreedAndRight.accuracyWhenDisagreed());
        assertEquals(Optional.empty(), DisagreementWarning.of(MetricsTest.RESULTS), "a single model: no figures");
        assertEquals(Optional.empty(), CascadePaths.of(COUNCIL));
    }

    @Test
    void cascadePathsCountWhichStepAnsweredAndWhyStepsEscalated() {
        CascadePaths p = CascadePaths.of(CASCADE).orElseThrow();
        assertEquals(Map.of("fast", 1, "deep", 2, "unresolved", 1), p.answeredBy());
        assertEquals(List.of("fast", "deep", "unresolved"), List.copyOf(p.answeredBy().keySet()), "step order");
        assertEquals(Map.of("fast", 1, "deep", 1, "unresolved", 0), p.correctBy());
        assertEquals(Map.of("fast", 2, "deep", 1), p.escalatedAt());
        assertEquals(List.of("invalid answer: x", "safety: defect is \"crack\"", "the case is marked novel"),
                List.copyOf(p.reasons().keySet()), "most frequent first, then by text");
        assertEquals(2, p.reasons().get("invalid answer: x"));
        assertEquals(4, p.cases());
        assertEquals(0.5, p.share("deep"));
        assertEquals(0.25, p.share("unresolved"));
        assertEquals("fast skipped (the case is marked novel) > deep escalated (safety: defect is \"crack\")",
                CASCADE.get(3).cascade().orElseThrow().describe());
        assertEquals("unresolved", CASCADE.get(3).cascade().orElseThrow().answeredBy());
    }

    @Test
    void summariesCarryTheFiguresOfCouncilAndCascadeSettingsOnly() {
        List<SettingSummary> s = run().summaries();
        assertEquals(Optional.empty(), s.get(0).council());
        assertEquals(Optional.empty(), s.get(0).cascade());
        assertEquals(Optional.of(new DisagreementWarning(4, 2, 1, 3, 1)), s.get(2).council());
        assertEquals(5.0 / 11, s.get(2).accuracy(), 1e-12);
        assertEquals(Optional.empty(), s.get(2).cascade());
        assertEquals(1, s.get(3).cascade().orElseThrow().answeredBy().get("fast"));
    }

    @Test
    void theReportShowsAgreementAgainstCorrectnessAndCascadePathsInTextAndCharts() throws Exception {
        EvalReport.Files f = EvalReport.write(run(), Optional.empty(), dir.resolve("r"));
        String md = Files.readString(f.markdown());
        assertTrue(md.contains("## Council agreement against correctness"), md);
        assertTrue(md.contains("| council | 10 | 4 | 2 | 1 | 3 | 1 | 75.0% | 60.0% | 66.7% | 25.0% |"), md);
        assertTrue(md.contains("| council | c8 | disagreed | 0.30 | 0.67 | wrong (WRONG) |"), md);
        assertTrue(md.contains("| cascade | deep | 2 | 50.0% | 1 | 1 |"), md);
        assertTrue(md.contains("| cascade | k4 | unresolved | fast skipped (the case is marked novel) &gt; deep"
                + " escalated (safety: defect is &quot;crack&quot;) | wrong (WRONG) |"), md);
        assertTrue(md.contains("![agreement-vs-correctness](charts/agreement-vs-correctness.png)"), md);
        assertTrue(md.contains("![cascade-paths](charts/cascade-paths.png)"), md);
        String html = Files.readString(f.html());
        assertTrue(html.contains("<figure id=\"chart-agreement-vs-correctness\">"), "chart inlined");
        assertTrue(html.contains("<td>council</td><td>10</td><td>4</td><td>2</td><td>1</td><td>3</td><td>1</td>"
                + "<td>75.0%</td><td>60.0%</td>"), html);
        for (String c : List.of("agreement-vs-correctness", "cascade-paths")) {
            assertTrue(f.charts().contains(f.markdown().resolveSibling("charts").resolve(c + ".png")), c);
            assertTrue(Files.readString(f.markdown().resolveSibling("charts").resolve(c + ".svg")).startsWith("<svg"));
        }
        // a run of single models has neither section nor chart
        EvalReport.Files plain = EvalReport.write(MetricsTest.run(MetricsTest.RESULTS), Optional.empty(),
                dir.resolve("plain"));
        assertTrue(!Files.readString(plain.markdown()).contains("Council agreement")
                && !Files.exists(dir.resolve("plain/charts/cascade-paths.png")));
    }

    @Test
    void verdictsAndPathsSurviveTheJsonFileAndOldRunsStillRead() throws Exception {
        EvalRun r = run();
        Path file = dir.resolve("results.json");
        r.write(file);
        assertEquals(r, EvalRun.read(file));
        // a run written before councils and cascades were evaluated has no kind, council or cascade fields
        ObjectNode tree = (ObjectNode) EvalRun.JSON.readTree(file.toFile());
        tree.withArray("settings").forEach(s -> ((ObjectNode) s).remove("kind"));
        ArrayNode results = tree.withArray("results");
        results.forEach(x -> ((ObjectNode) x).remove(List.of("council", "cascade")));
        Path old = dir.resolve("old.json");
        EvalRun.JSON.writeValue(old.toFile(), tree);
        EvalRun read = EvalRun.read(old);
        assertEquals(SettingInfo.Kind.MODEL, read.settings().get(2).kind());
        assertTrue(read.results().stream().allMatch(x -> x.council().isEmpty() && x.cascade().isEmpty()));
    }
}

package dev.deliberate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.profile.DomainProfile;
import dev.deliberate.llama.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An end-to-end evaluation on real llama.cpp and the generated tiny model. Its weights are random, so accuracy is
 * whatever it is; what must hold is the harness: every case runs under every setting, schema answers are valid,
 * budget-cut thinking is told apart, results round-trip, and the report is written.
 */
class EvaluatorIT {

    private static ReasoningModel model;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        model = ReasoningModels.open(ModelLocator.file(TestModels.tiny()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void evaluatesEveryCaseUnderEverySettingAndWritesTheReport() throws Exception {
        DomainProfile profile = DomainProfile.fromClasspath("profiles/triage", getClass().getClassLoader());
        List<Integer> progress = new ArrayList<>();
        EvalRun run = Evaluator.of(profile)
                .setting(Setting.of("tiny@0", model, 0))
                .setting(Setting.of("tiny@8", model, 8))
                .setting(Setting.of("tiny@32", model, 32))
                .run((done, total, last) -> {
                    assertEquals(12, total);
                    progress.add(done);
                });
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), progress);
        assertEquals(12, run.results().size());
        for (CaseResult r : run.results()) {
            assertTrue(r.valid(), "constrained decoding gives schema-valid answers: " + r);
            assertEquals(2, r.fieldScores().size(), r.toString());
            if (r.setting().equals("tiny@0")) {
                assertEquals(0, r.thinkingTokens());
            }
            int budget = Integer.parseInt(r.setting().substring("tiny@".length()));
            assertTrue(r.thinkingTokens() <= budget, r.toString());
            if (r.outcome() == Outcome.WRONG) {
                assertTrue(r.thinkingTokens() < budget, "wrong after free thinking, not after a cut: " + r);
            }
        }
        List<SettingSummary> summaries = run.summaries();
        assertEquals(3, summaries.size());
        summaries.forEach(s -> assertEquals(1.0, s.validity()));

        EvalReport.Files files = EvalReport.write(run, Optional.of(run), dir.resolve("report"));
        assertEquals(run, EvalRun.read(files.results()));
        String md = Files.readString(files.markdown());
        assertTrue(md.contains("| tiny@8 | deliberate-test-tiny | 8 | 4 |"), md);
        assertTrue(md.contains("0 better, 0 worse, 12 unchanged, 0 new."), md);
        String html = Files.readString(files.html());
        assertTrue(html.contains("<figure id=\"chart-accuracy-vs-budget\"><svg"), "three budgets of one model");
        for (Path chart : files.charts()) {
            assertTrue(Files.size(chart) > 1000, chart + " has content");
        }
    }
}

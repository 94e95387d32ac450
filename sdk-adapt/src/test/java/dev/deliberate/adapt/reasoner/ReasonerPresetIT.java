package dev.deliberate.adapt.reasoner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.profile.DomainProfile;
import dev.deliberate.eval.CaseResult;
import dev.deliberate.eval.EvalReport;
import dev.deliberate.eval.EvalRun;
import dev.deliberate.eval.Evaluator;
import dev.deliberate.eval.Setting;
import dev.deliberate.eval.SettingSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The trained reasoning preset on its held-out cases, through the product path: llama.cpp (sdk-llama), Deliberate's
 * thinking budgets and schema-constrained answers, scored by the evaluation harness. Thinking is what makes the
 * answers right: cut it and accuracy falls, with every answer still valid.
 *
 * <p>The first run on a machine trains the model (minutes; cached afterwards in the models cache).
 */
class ReasonerPresetIT {

    /** Where the report goes (kept for a look: {@code sdk-adapt/target/reasoner-eval/report.html}). */
    private static final Path REPORT = Path.of("target", "reasoner-eval");

    @Test
    void accuracyRisesWithTheThinkingBudgetAndEveryAnswerIsValid() throws Exception {
        Path gguf = TrainedTestModels.reasoner();
        TaskDataset data = ReasonerRecipe.REASONER.dataset();
        Path profileDir = Path.of("target", "profiles", "quantities-total");
        data.writeProfile(profileDir);
        DomainProfile profile = DomainProfile.load(profileDir);
        try (ReasoningModel model = ReasoningModels.open(ModelLocator.file(gguf))) {
            // what the model needs: the most thinking tokens it spends on a held-out case when nothing cuts it
            EvalRun free = Evaluator.of(profile).sampling(Sampling.greedy())
                    .setting(Setting.of("free", model, 256)).run((done, total, last) -> { });
            int needed = free.results().stream().mapToInt(CaseResult::thinkingTokens).max().orElseThrow();
            assertTrue(needed > 8 && needed < 256, "thinking ends by itself: " + needed);

            int[] budgets = {0, needed / 4, needed / 2, needed};
            Evaluator eval = Evaluator.of(profile).sampling(Sampling.greedy());
            String[] labels = {"0%", "25%", "50%", "100%"};
            for (int i = 0; i < budgets.length; i++) {
                eval.setting(Setting.of("reasoner@" + labels[i] + "=" + budgets[i], model, budgets[i]));
            }
            EvalRun run = eval.run((done, total, last) -> { });
            EvalReport.write(run, Optional.empty(), REPORT);

            List<SettingSummary> s = run.summaries();
            double[] accuracy = s.stream().mapToDouble(SettingSummary::accuracy).toArray();
            String figures = String.format("needed %d tokens; accuracy at 0/25/50/100 %%: %.3f %.3f %.3f %.3f",
                    needed, accuracy[0], accuracy[1], accuracy[2], accuracy[3]);
            System.out.println(figures);
            s.forEach(x -> assertEquals(1.0, x.validity(), "every answer validates: " + x));
            assertTrue(accuracy[3] >= 0.8, "with the thinking it needs the model is mostly right: " + figures);
            assertTrue(accuracy[0] <= 0.25, "without thinking it is mostly wrong: " + figures);
            for (int i = 1; i < accuracy.length; i++) {
                assertTrue(accuracy[i] > accuracy[i - 1], "each larger budget gives more right answers: " + figures);
            }
        }
    }
}

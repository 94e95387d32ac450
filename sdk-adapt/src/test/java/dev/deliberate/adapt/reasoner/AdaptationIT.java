package dev.deliberate.adapt.reasoner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.profile.DomainProfile;
import dev.deliberate.eval.EvalReport;
import dev.deliberate.eval.EvalRun;
import dev.deliberate.eval.Evaluator;
import dev.deliberate.eval.Setting;
import dev.deliberate.eval.SettingSummary;
import dev.deliberate.llama.LlamaOptions;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The reasoner adapted with LoRA to the second task ({@link QuantityTask#LARGEST}), measured on that task's held-out
 * cases through llama.cpp: the base model alone, then the base with the trained adapter loaded by the llama backend
 * ({@link LlamaOptions#withLoraAdapter}). The base answers the rule it learnt (the total), so it is wrong; the
 * adapter teaches the new rule.
 *
 * <p>The first run on a machine trains the base and the adapter (minutes; cached afterwards).
 */
class AdaptationIT {

    private static final Path REPORT = Path.of("target", "adaptation-eval");

    @Test
    void theAdapterTeachesTheSecondTask() throws Exception {
        AdapterRecipe recipe = AdapterRecipe.LARGEST;
        Path base = TrainedTestModels.reasoner();
        Path adapter = TrainedTestModels.largestAdapter();
        Path profileDir = Path.of("target", "profiles", "quantities-largest");
        recipe.dataset().writeProfile(profileDir);
        DomainProfile profile = DomainProfile.load(profileDir);
        try (ReasoningModel before = ReasoningModels.open(ModelLocator.file(base));
                ReasoningModel after = ReasoningModels.open(ModelLocator.file(base),
                        ModelOptions.defaults().with(LlamaOptions.defaults().withLoraAdapter(adapter, 1f)))) {
            assertEquals(1, after.info().adapters().size(), "the adapter is recorded in provenance");
            EvalRun run = Evaluator.of(profile).sampling(Sampling.greedy())
                    .setting(Setting.of("base", before, 128))
                    .setting(Setting.of("base+lora", after, 128))
                    .run((done, total, last) -> { });
            EvalReport.write(run, Optional.empty(), REPORT);
            SettingSummary b = run.summaries().get(0);
            SettingSummary a = run.summaries().get(1);
            String figures = String.format("held-out accuracy on '%s': before %.3f, after %.3f", recipe.task().id(),
                    b.accuracy(), a.accuracy());
            System.out.println(figures);
            assertEquals(1.0, b.validity(), figures);
            assertEquals(1.0, a.validity(), figures);
            assertTrue(b.accuracy() <= 0.1, "the base model follows its own rule: " + figures);
            assertTrue(a.accuracy() >= 0.7, "the adapted model follows the new rule: " + figures);
        }
    }
}

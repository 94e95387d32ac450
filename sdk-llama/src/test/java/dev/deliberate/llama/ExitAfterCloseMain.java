package dev.deliberate.llama;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import java.nio.file.Path;

/** Run in a forked JVM by {@link LlamaCppExitIT}: load, generate, close, return from main. */
public final class ExitAfterCloseMain {

    private ExitAfterCloseMain() {}

    /** @param args the model file */
    public static void main(String[] args) {
        try (ReasoningModel m = ReasoningModels.open(ModelLocator.file(Path.of(args[0])),
                ModelOptions.defaults().with(new LlamaOptions(1, 512, 0)))) {
            Reasoning r = m.reason(ReasoningRequest.builder().user("Hi").thinkingBudget(ThinkingBudget.tokens(8))
                    .answerMaxTokens(8).sampling(Sampling.defaults().withSeed(1)).build());
            System.out.println("RESULT " + r.finish() + " " + r.usage().generatedTokens());
        }
        if (args.length > 1 && args[1].equals("fail")) {
            throw new IllegalStateException("main fails on purpose");
        }
    }
}

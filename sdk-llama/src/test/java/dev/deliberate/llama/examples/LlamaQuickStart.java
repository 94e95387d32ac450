package dev.deliberate.llama.examples;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.llama.LlamaOptions;

/** One question to a GGUF model on llama.cpp: {@code java LlamaQuickStart MODEL.gguf}. */
public class LlamaQuickStart {

    public static void main(String[] args) {
        ModelOptions options = ModelOptions.defaults().with(new LlamaOptions(2, 2048, 0)); // threads, context, GPU
        try (ReasoningModel model = ReasoningModels.open(ModelLocator.parse(args[0]), options)) {
            System.out.println(model.info());                     // backend llama.cpp, sha256, architecture
            Reasoning r = model.reason(ReasoningRequest.builder().user("Is 1013 prime?")
                    .thinkingBudget(ThinkingBudget.tokens(64)).answerMaxTokens(32).build());
            System.out.println(r.thinking() + "\n---\n" + r.answer() + "\n" + r.finish() + " " + r.usage());
        }
    }
}

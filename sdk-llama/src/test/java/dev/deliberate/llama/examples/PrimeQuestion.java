package dev.deliberate.llama.examples;

import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.ThinkingBudget;
import java.time.Duration;

/** A bounded question with a schema-true answer: {@code java PrimeQuestion MODEL.gguf}. */
public class PrimeQuestion {

    public static void main(String[] args) {
        try (ReasoningModel model = ReasoningModels.open(ModelLocator.parse(args[0]))) {
            Reasoning r = model.reason(ReasoningRequest.builder()
                    .user("Is 1013 prime?")
                    .thinkingBudget(ThinkingBudget.tokens(512).within(Duration.ofSeconds(5)))  // from the call's start
                    .answerFormat(AnswerFormat.jsonSchema("{\"type\":\"object\",\"properties\":"
                            + "{\"prime\":{\"type\":\"boolean\"}},\"required\":[\"prime\"]}"))
                    .build());
            System.out.println(r.thinking());                  // never contains <think> tags
            System.out.println(r.answerJson().orElseThrow());  // validated against the schema
            System.out.println(r.finish() + " " + r.thinkingCut() + " " + r.usage() + " " + r.model().sha256());
        }
    }
}

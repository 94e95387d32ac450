package dev.deliberate.llama.examples;

import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.ThinkingBudget;
import java.time.Duration;

/** Triage one finding with a local reasoning model: {@code java TriageExample MODEL.gguf}. */
public class TriageExample {

    /** The answer, mapped from the schema-true JSON. */
    public record Triage(String urgency) { }

    public static void main(String[] args) {
        try (ReasoningModel model = ReasoningModels.open(ModelLocator.parse(args[0]))) {
            ReasoningRequest request = ReasoningRequest.builder()
                    .system("You triage radiology findings.")
                    .user("4 mm hyperdense focus, left basal ganglia, non-contrast CT head. Urgency?")
                    .thinkingBudget(ThinkingBudget.tokens(1024).within(Duration.ofSeconds(10)))  // hard bounds
                    .answerFormat(AnswerFormat.jsonSchema("""
                        {"type":"object","required":["urgency"],"additionalProperties":false,
                         "properties":{"urgency":{"enum":["routine","urgent","critical"]}}}"""))
                    .build();
            Reasoning r = model.start(request, event -> {        // streaming: thinking, then answer, then Done
                if (event instanceof ReasoningEvent.ThinkingDelta t) {
                    System.out.print(t.text());
                }
            }).join();
            Triage triage = r.answerAs(Triage.class);             // validated against the schema, mapped by Jackson
            System.out.println("\nurgency: " + triage.urgency() + " (" + r.finish() + ", " + r.usage() + ")");
        }
    }
}

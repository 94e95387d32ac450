package dev.deliberate.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.InvalidAnswerException;
import dev.deliberate.core.ModelLoadException;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exact client-side counting with a tokenizer.json, and the validate-and-retry path for unconstrained servers. */
class TokenizerCountingTest {

    @TempDir
    Path dir;

    @Test
    void aConfiguredTokenizerCountsEveryStreamedPieceExactly() throws Exception {
        Path tokenizer = dir.resolve("tokenizer.json");
        TestModelGenerator.of(TestModelPreset.TINY, 42).writeTokenizerJson(tokenizer);
        try (FakeOpenAiServer server = new FakeOpenAiServer(FakeOpenAiServer.Dialect.REASONING_CONTENT, "m", null)
                        .thinking(200).tokenDelayMicros(0);
                ReasoningModel model = ReasoningModels.open(ModelLocator.parse(server.baseUrl().toString()),
                        ModelOptions.defaults().with(RemoteOptions.defaults().withTokenizer(tokenizer)));
                HuggingFaceTokenizer reference = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizer)
                        .optAddSpecialTokens(false).build()) {
            List<String> pieces = new ArrayList<>();
            Reasoning r = model.start(ReasoningRequest.builder().user("q").thinkingBudget(ThinkingBudget.tokens(40))
                    .answerMaxTokens(16).build(), e -> {
                        if (e instanceof ReasoningEvent.ThinkingDelta d) {
                            pieces.add(d.text());
                        }
                    }).join();
            assertEquals(FinishReason.THINKING_BUDGET, r.finish());
            int streamed = server.requests.size();
            assertEquals(2, streamed);
            // the thinking tokens are what the tokenizer says the streamed thinking pieces are
            int expected = 0;
            for (String w : r.thinking().split("(?<= )|(?<=\\n)")) {
                expected += w.isEmpty() ? 0 : Math.max(1, reference.encode(w).getIds().length);
            }
            assertTrue(r.usage().thinkingTokens() >= 40, "the budget was spent: " + r.usage());
            assertTrue(Math.abs(r.usage().thinkingTokens() - expected) <= 2,
                    r.usage().thinkingTokens() + " vs " + expected + " (whitespace trimmed at the ends)");
            assertTrue(r.thinking().split(" ").length < 40, "the tiny vocabulary splits words into several tokens");
            assertFalse(pieces.isEmpty());
        }
    }

    @Test
    void aMissingTokenizerFileFailsAtOpen() throws Exception {
        try (FakeOpenAiServer server = new FakeOpenAiServer(FakeOpenAiServer.Dialect.REASONING, "m", null)) {
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> ReasoningModels.open(
                    ModelLocator.parse(server.baseUrl().toString()), ModelOptions.defaults().with(
                            RemoteOptions.defaults().withTokenizer(dir.resolve("missing.json")))));
            assertTrue(e.getMessage().contains("missing.json"));
        }
    }

    @Test
    void withoutStructuredOutputTheSchemaGoesIntoThePromptAndInvalidAnswersAreRetried() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}},\"required\":[\"ok\"]}";
        try (FakeOpenAiServer server = new FakeOpenAiServer(FakeOpenAiServer.Dialect.REASONING, "m", null)
                        .thinking(5).tokenDelayMicros(0).honourSchema(false);
                ReasoningModel model = ReasoningModels.open(ModelLocator.parse(server.baseUrl().toString()),
                        ModelOptions.defaults().with(RemoteOptions.defaults().withStructuredOutput(false)))) {
            InvalidAnswerException e = assertThrows(InvalidAnswerException.class, () -> model.reason(
                    ReasoningRequest.builder().user("q").answerFormat(AnswerFormat.jsonSchema(schema))
                            .answerRetries(1).build()));
            assertTrue(e.getMessage().contains("after 2 attempt"), e.getMessage());
            assertTrue(server.requests.stream().allMatch(b -> b.path("response_format").isMissingNode()));
            assertTrue(server.requests.get(0).path("messages").toString().contains("JSON Schema"));
            assertEquals(3, server.requests.size(), "thinking, answer, one corrective retry");
        }
    }
}

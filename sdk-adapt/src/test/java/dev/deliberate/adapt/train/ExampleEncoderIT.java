package dev.deliberate.adapt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.ChatMessage;
import dev.deliberate.llama.LlamaTokenizer;
import dev.deliberate.llama.TestModels;
import dev.deliberate.testmodel.TestModelVocabulary;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Training token ids are the ids llama.cpp evaluates at inference, and the loss covers the assistant's turn. */
class ExampleEncoderIT {

    private static LlamaTokenizer tokenizer;

    @BeforeAll
    static void open() {
        tokenizer = LlamaTokenizer.open(TestModels.tiny());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static final TrainingExample EXAMPLE = new TrainingExample(
            List.of(ChatMessage.system("Answer in JSON."), ChatMessage.user("Is 7 prime?")),
            "Seven has no divisors but 1 and 7.", "{\"prime\": true}");

    @Test
    void thePromptIsTokenisedAsTheBackendSendsItAndTheTurnIsTrained() {
        TokenizedExample t = new ExampleEncoder(tokenizer, ThinkingLoss.TRAIN, 512).encode(EXAMPLE);
        String prompt = tokenizer.render(EXAMPLE.prompt()).text();
        assertTrue(prompt.endsWith(TestModelVocabulary.ASSISTANT + "<think>\n"), prompt);
        int[] promptIds = tokenizer.encodePrompt(prompt);
        assertEquals(promptIds.length, t.promptCount());
        assertArrayEquals(promptIds, Arrays.copyOf(t.tokens(), t.promptCount()));
        int[] turn = Arrays.copyOfRange(t.tokens(), t.promptCount(), t.length() - 1);
        assertEquals(EXAMPLE.thinking() + "\n</think>\n\n" + EXAMPLE.answer(), tokenizer.decode(turn));
        assertEquals(tokenizer.endOfSequence(), t.token(t.length() - 1));
        for (int i = 0; i < t.length(); i++) {
            assertEquals(i >= t.promptCount(), t.isTrained(i), "token " + i);
        }
        assertEquals(t.length() - t.promptCount(), t.trainedCount());
    }

    @Test
    void maskedThinkingIsContextButNotTargetWhileTheCloseAndAnswerAreTrained() {
        TokenizedExample trained = new ExampleEncoder(tokenizer, ThinkingLoss.TRAIN, 512).encode(EXAMPLE);
        TokenizedExample masked = new ExampleEncoder(tokenizer, ThinkingLoss.MASK, 512).encode(EXAMPLE);
        assertArrayEquals(trained.tokens(), masked.tokens());
        int close = tokenizer.encode("</think>")[0];
        int firstTrained = -1;
        for (int i = 0; i < masked.length(); i++) {
            if (masked.isTrained(i)) {
                firstTrained = i;
                break;
            }
        }
        String untrainedTurn = tokenizer.decode(Arrays.copyOfRange(masked.tokens(), masked.promptCount(),
                firstTrained));
        assertTrue(EXAMPLE.thinking().startsWith(untrainedTurn) && untrainedTurn.length()
                >= EXAMPLE.thinking().length() - 2, "masked: '" + untrainedTurn + "'");
        for (int i = firstTrained; i < masked.length(); i++) {
            assertTrue(masked.isTrained(i));
        }
        boolean closeTrained = false;
        for (int i = firstTrained; i < masked.length(); i++) {
            closeTrained |= masked.token(i) == close;
        }
        assertTrue(closeTrained, "</think> must stay a target");
        assertTrue(masked.trainedCount() < trained.trainedCount());
    }

    @Test
    void withoutThinkingTheTurnClosesAnEmptyThinkingBlockAsTheSdkDoes() {
        TokenizedExample t = new ExampleEncoder(tokenizer, ThinkingLoss.TRAIN, 512)
                .encode(TrainingExample.of("Hi", "", "Hello world!"));
        int[] turn = Arrays.copyOfRange(t.tokens(), t.promptCount(), t.length() - 1);
        assertEquals("\n</think>\n\nHello world!", tokenizer.decode(turn));
        assertFalse(ExampleEncoder.turnText(tokenizer.render(List.of(ChatMessage.user("q"))),
                TrainingExample.of("q", "ends with a newline\n", "a")).contains("\n\n</think>"));
    }
}

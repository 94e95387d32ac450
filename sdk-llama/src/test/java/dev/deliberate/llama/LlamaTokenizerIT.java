package dev.deliberate.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.ModelLoadException;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.spi.RenderedPrompt;
import dev.deliberate.testmodel.TestModelVocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokenizer training code uses, against the backend's own rendering and token counts on the tiny model. */
class LlamaTokenizerIT {

    private static LlamaTokenizer tokenizer;
    private static LlamaTextGenerator generator;

    @BeforeAll
    static void open() {
        tokenizer = LlamaTokenizer.open(TestModels.tiny());
        generator = LlamaTextGenerator.load(TestModels.tiny(), ModelOptions.defaults());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        generator.close();
    }

    @Test
    void rendersWhatTheBackendRendersAndOpensThinking() {
        List<ChatMessage> messages = List.of(ChatMessage.system("You triage."), ChatMessage.user("What is 2+2?"));
        RenderedPrompt rendered = tokenizer.render(messages);
        assertEquals(generator.render(messages), rendered);
        assertTrue(rendered.text().endsWith(TestModelVocabulary.ASSISTANT + "<think>\n"), rendered.text());
        assertTrue(rendered.opensThinking());
    }

    @Test
    void promptIdsCountAsTheBackendCountsThem() {
        String prompt = tokenizer.render(List.of(ChatMessage.user("The quick brown fox"))).text();
        int[] ids = tokenizer.encodePrompt(prompt);
        assertEquals(generator.countTokens(prompt), ids.length);
        assertEquals(tokenizer.beginningOfSequence().getAsInt(), ids[0]);
    }

    @Test
    void specialTokensWrittenAsTextAreSingleIds() {
        int[] close = tokenizer.encode(TestModelVocabulary.END_THINK);
        assertEquals(1, close.length);
        assertArrayEquals(new int[] {tokenizer.endOfSequence()}, tokenizer.encode(TestModelVocabulary.EOS));
    }

    @Test
    void decodingGivesBackVariedText() {
        for (String text : List.of("Two plus two is four.\n\n", "  indented\tand tabbed 1234567",
                "Ünïcödé — 数学 🙂", "x</think>\n\n{\"answer\": 42}", "'s 're 've LL")) {
            assertEquals(text, tokenizer.decode(tokenizer.encode(text)), text);
        }
    }

    @Test
    void aMissingFileIsATypedError(@TempDir Path dir) {
        assertThrows(ModelLoadException.class, () -> LlamaTokenizer.open(dir.resolve("none.gguf")));
        Path junk = dir.resolve("junk.gguf");
        assertThrows(ModelLoadException.class, () -> {
            Files.writeString(junk, "not a model");
            LlamaTokenizer.open(junk);
        });
    }
}

package dev.deliberate.testmodel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated tokenizer.json, read by Hugging Face tokenizers through DJL. */
class TokenizerJsonTest {

    @TempDir
    static Path dir;

    private static TestModelVocabulary vocabulary;
    private static HuggingFaceTokenizer tokenizer;

    @BeforeAll
    static void writeTokenizer() throws IOException {
        TestModelGenerator gen = TestModelGenerator.of(TestModelPreset.TINY, 1);
        vocabulary = gen.vocabulary();
        Path json = dir.resolve("tiny.tokenizer.json");
        gen.writeTokenizerJson(json);
        tokenizer = HuggingFaceTokenizer.newInstance(json, Map.of("addSpecialTokens", "false"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static long[] ids(String text) {
        Encoding e = tokenizer.encode(text, false, false);
        return e.getIds();
    }

    @Test
    void specialTokensAreSingleTokens() {
        for (String special : new String[] {TestModelVocabulary.BOS, TestModelVocabulary.EOS,
                TestModelVocabulary.USER, TestModelVocabulary.ASSISTANT, TestModelVocabulary.THINK,
                TestModelVocabulary.END_THINK}) {
            assertArrayEquals(new long[] {vocabulary.id(special)}, ids(special), special);
        }
        long[] turn = ids(TestModelVocabulary.USER + "hi" + TestModelVocabulary.ASSISTANT + TestModelVocabulary.THINK);
        assertEquals(vocabulary.id(TestModelVocabulary.USER), turn[0]);
        assertEquals(vocabulary.id(TestModelVocabulary.THINK), turn[turn.length - 1]);
    }

    @Test
    void learnedMergesAreUsed() {
        // " the" is a learned token (merges 'Ġ t', 'h e', 'Ġt he'), so it is one token, not four bytes
        assertArrayEquals(new long[] {vocabulary.id("Ġthe")}, ids(" the"));
    }

    @Test
    void decodingRestoresTheText() {
        String text = "Grüße! The answer is 42 <think>\nok</think>";
        long[] ids = ids(text);
        assertEquals(text, tokenizer.decode(ids, false), Arrays.toString(ids));
    }
}

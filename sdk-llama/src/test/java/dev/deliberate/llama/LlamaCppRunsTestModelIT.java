package dev.deliberate.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import dev.deliberate.gguf.GgmlType;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import dev.deliberate.testmodel.TestModelSpec;
import dev.deliberate.testmodel.TestModelVocabulary;
import dev.deliberate.core.testing.Peers;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated TINY model in real llama.cpp (build b4916 through de.kherud:llama): it loads, tokenizes like the
 * Hugging Face tokenizer reading the generated tokenizer.json, applies the R1 chat template and generates
 * deterministically.
 */
class LlamaCppRunsTestModelIT {

    @TempDir
    static Path dir;

    private static TestModelVocabulary vocabulary;
    private static LlamaModel jinja;
    private static HuggingFaceTokenizer hf;

    @BeforeAll
    static void load() throws Exception {
        TestModelGenerator gen = TestModelGenerator.of(TestModelPreset.TINY, 1234);
        vocabulary = gen.vocabulary();
        Path gguf = dir.resolve("tiny.gguf");
        Path json = dir.resolve("tiny.tokenizer.json");
        gen.writeGguf(gguf);
        gen.writeTokenizerJson(json);
        NativeRuntime.init(); // the backend's loader: a private native folder, created when missing, logs routed
        jinja = open(gguf, true);
        hf = HuggingFaceTokenizer.newInstance(json, Map.of("addSpecialTokens", "false"));
    }

    private static LlamaModel open(Path gguf, boolean useJinja) {
        ModelParameters p = new ModelParameters().setModel(gguf.toString()).setCtxSize(512).setThreads(1)
                .setSeed(42);
        try {
            return new LlamaModel(useJinja ? p.enableJinja() : p);
        } catch (UnsatisfiedLinkError e) {
            Peers.require(false, "the llama.cpp native library (" + e.getMessage() + ")");
            throw e;
        }
    }

    @AfterAll
    static void close() {
        if (jinja != null) {
            jinja.close();
        }
        if (hf != null) {
            hf.close();
        }
    }

    @Test
    void specialTokensEncodeAsSingleTokens() {
        String text = TestModelVocabulary.USER + "hi" + TestModelVocabulary.ASSISTANT + TestModelVocabulary.THINK
                + "\nhmm" + TestModelVocabulary.END_THINK + "42" + TestModelVocabulary.EOS;
        int[] ids = jinja.encode(text);
        assertEquals(vocabulary.id(TestModelVocabulary.USER), ids[0]);
        for (String special : List.of(TestModelVocabulary.ASSISTANT, TestModelVocabulary.THINK,
                TestModelVocabulary.END_THINK, TestModelVocabulary.EOS)) {
            int id = vocabulary.id(special);
            assertTrue(Arrays.stream(ids).anyMatch(i -> i == id), special + " not a single token in "
                    + Arrays.toString(ids));
        }
        assertEquals(vocabulary.id(TestModelVocabulary.EOS), ids[ids.length - 1]);
    }

    @Test
    void llamaCppAndHuggingFaceTokenizeIdentically() {
        for (String text : List.of(
                "The quick brown fox jumps over the lazy dog.",
                "Hello world! The answer is 42. What's 1234 + 5678?",
                "  leading spaces, tabs\tand\nnew lines\n\n",
                "Grüße aus München: 東京 ☕ 🙂",
                TestModelVocabulary.USER + "What is two plus two?" + TestModelVocabulary.ASSISTANT
                        + TestModelVocabulary.THINK + "\nTwo plus two is four." + TestModelVocabulary.END_THINK
                        + "4")) {
            long[] expected = hf.encode(text, false, false).getIds();
            int[] actual = jinja.encode(text);
            assertArrayEquals(expected, Arrays.stream(actual).asLongStream().toArray(), text);
        }
    }

    @Test
    void chatTemplateOpensThinkingAfterTheAssistantTag() {
        InferenceParameters p = new InferenceParameters("")
                .setMessages(null, List.of(new Pair<>("user", "What is two plus two?")));
        String prompt = jinja.applyTemplate(p);
        assertTrue(prompt.endsWith("<｜User｜>What is two plus two?<｜Assistant｜><think>\n"), prompt);
    }

    /**
     * Without {@code enableJinja()} llama.cpp b4916 does not run the model's template: it recognises the
     * DeepSeek-R1 tags and uses its built-in format, which stops at the assistant tag and does not open
     * {@code <think>}. The backend must enable Jinja to get the R1 behaviour; this test pins that fact.
     */
    @Test
    void builtInTemplateWithoutJinjaDoesNotOpenThinking() throws Exception {
        try (LlamaModel plain = open(dir.resolve("tiny.gguf"), false)) {
            InferenceParameters p = new InferenceParameters("")
                    .setMessages(null, List.of(new Pair<>("user", "What is two plus two?")));
            String prompt = plain.applyTemplate(p);
            assertTrue(prompt.endsWith("<｜Assistant｜>"), prompt);
            assertFalse(prompt.contains("<think>"), prompt);
        }
    }

    @Test
    void generationAtTemperatureZeroIsDeterministic() {
        InferenceParameters p = new InferenceParameters("The answer is").setTemperature(0f).setNPredict(24)
                .setSeed(7).setIgnoreEos(true);
        String first = jinja.complete(p);
        String second = jinja.complete(p);
        assertFalse(first.isEmpty());
        assertEquals(first, second);
    }

    /**
     * The BENCH preset's encoding (Q8_0) and vocabulary (32,000 tokens) in a model small enough for a test: llama.cpp
     * must accept the quantized blocks and agree with Hugging Face tokenizers on the larger vocabulary.
     */
    @Test
    void q8ModelWithTheBenchVocabularyRunsAndTokenizesLikeHuggingFace() throws Exception {
        TestModelSpec spec = new TestModelSpec("q8-bench-vocab", 128, 2, 4, 2, 256, 32_000, 200, 1024,
                GgmlType.Q8_0);
        TestModelGenerator gen = new TestModelGenerator(spec, 11);
        Path gguf = dir.resolve("q8.gguf");
        Path json = dir.resolve("q8.tokenizer.json");
        gen.writeGguf(gguf);
        gen.writeTokenizerJson(json);
        String text = TestModelVocabulary.USER + "What is two plus two?" + TestModelVocabulary.ASSISTANT
                + TestModelVocabulary.THINK + "\nLet me think: 2 + 2 = 4." + TestModelVocabulary.END_THINK;
        try (LlamaModel model = open(gguf, true);
                HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(json,
                        Map.of("addSpecialTokens", "false"))) {
            int[] ids = model.encode(text);
            assertArrayEquals(tokenizer.encode(text, false, false).getIds(),
                    Arrays.stream(ids).asLongStream().toArray());
            assertEquals(gen.vocabulary().id(TestModelVocabulary.USER), ids[0]);
            assertEquals(31_991, gen.vocabulary().id(TestModelVocabulary.BOS)); // as in the Python reference
            InferenceParameters p = new InferenceParameters("The answer is").setTemperature(0f).setNPredict(16)
                    .setSeed(7).setIgnoreEos(true);
            String first = model.complete(p);
            assertFalse(first.isEmpty());
            assertEquals(first, model.complete(p));
        }
    }

    @Test
    void differentSeedsMakeDifferentModels() throws Exception {
        Path other = dir.resolve("other.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 99).writeGguf(other);
        InferenceParameters p = new InferenceParameters("The answer is").setTemperature(0f).setNPredict(24)
                .setSeed(7).setIgnoreEos(true);
        try (LlamaModel model = open(other, true)) {
            assertNotEquals(jinja.complete(p), model.complete(p));
        }
    }
}

package dev.deliberate.adapt.reasoner;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelVocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Renders a worked example as the tokens a Deliberate call on llama.cpp feeds the model: the DeepSeek-R1 chat
 * template (begin of sentence, system prompt, {@code <｜User｜>}, the input, {@code <｜Assistant｜><think>\n}) as the
 * prompt, and as the completion the thinking, {@code </think>}, the blank line the SDK writes before the answer, the
 * answer and end of sentence. Tokenized by Hugging Face tokenizers on the generator's {@code tokenizer.json}, which
 * splits text as llama.cpp does with the GGUF vocabulary.
 */
final class ChatTokens implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;

    private ChatTokens(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    static ChatTokens of(TestModelGenerator generator, Path workDir) throws IOException {
        Path json = Files.createTempFile(workDir, "tokenizer", ".json");
        try {
            generator.writeTokenizerJson(json);
            return new ChatTokens(HuggingFaceTokenizer.builder().optTokenizerPath(json)
                    .optAddSpecialTokens(false).build());
        } finally {
            Files.deleteIfExists(json);
        }
    }

    static String prompt(String system, String input) {
        return TestModelVocabulary.BOS + system + TestModelVocabulary.USER + input + TestModelVocabulary.ASSISTANT
                + TestModelVocabulary.THINK + "\n";
    }

    static String completion(String thinking, String answer) {
        return thinking + TestModelVocabulary.END_THINK + "\n\n" + answer + TestModelVocabulary.EOS;
    }

    /** The example as a training sequence whose loss covers the completion only. */
    TinyTrainer.Sequence sequence(TaskExample e) {
        String prompt = prompt(e.task().systemPrompt(), e.input());
        long[] head = ids(prompt);
        long[] all = ids(prompt + completion(e.thinking(), e.answerText()));
        if (all.length <= head.length || !Arrays.equals(head, Arrays.copyOf(all, head.length))) {
            throw new IllegalStateException("the prompt's tokens are not a prefix of the example's: " + e);
        }
        return new TinyTrainer.Sequence(all, head.length);
    }

    long[] ids(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

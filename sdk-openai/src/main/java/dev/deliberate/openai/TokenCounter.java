package dev.deliberate.openai;

import dev.deliberate.core.ModelLoadException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts tokens of streamed text on the client, so that the thinking bound holds whatever the server does. With
 * the model's {@code tokenizer.json} (DJL Hugging Face tokenizers) counts are exact per piece; without one, each
 * non-empty streamed piece counts as one token (vLLM, SGLang, llama.cpp server and Ollama send one token per
 * chunk) and prompts are estimated at four characters per token.
 */
interface TokenCounter extends AutoCloseable {

    /** Tokens of one streamed piece: at least 1 for non-empty text. */
    int piece(String text);

    /** Tokens of prompt text. */
    int text(String text);

    /** Whether counts are exact (a tokenizer) or approximate. */
    boolean exact();

    @Override
    default void close() {
    }

    /** The counter the options ask for. */
    static TokenCounter of(RemoteOptions options) {
        if (options.tokenizer().isEmpty()) {
            return new Approximate();
        }
        Path file = options.tokenizer().get();
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("tokenizer file not found: " + file);
        }
        try {
            return new HuggingFace(file);
        } catch (NoClassDefFoundError e) {
            throw new ModelLoadException("counting with " + file + " needs ai.djl.huggingface:tokenizers on the"
                    + " class path", e);
        }
    }

    /** One token per piece; prompts at four characters per token. */
    final class Approximate implements TokenCounter {
        @Override
        public int piece(String text) {
            return text.isEmpty() ? 0 : 1;
        }

        @Override
        public int text(String text) {
            return (text.length() + 3) / 4;
        }

        @Override
        public boolean exact() {
            return false;
        }
    }

    /** Exact counts with the model's own tokenizer. */
    final class HuggingFace implements TokenCounter {
        private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer;

        HuggingFace(Path file) {
            try {
                this.tokenizer = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.builder()
                        .optTokenizerPath(file).optAddSpecialTokens(false).build();
            } catch (java.io.IOException | RuntimeException e) {
                throw new ModelLoadException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public int piece(String text) {
            return text.isEmpty() ? 0 : Math.max(1, tokenizer.encode(text).getIds().length);
        }

        @Override
        public int text(String text) {
            return tokenizer.encode(text).getIds().length;
        }

        @Override
        public boolean exact() {
            return true;
        }

        @Override
        public void close() {
            tokenizer.close();
        }
    }
}

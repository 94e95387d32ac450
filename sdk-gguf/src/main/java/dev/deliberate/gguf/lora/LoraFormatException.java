package dev.deliberate.gguf.lora;

import dev.deliberate.core.ModelLoadException;

/**
 * A GGUF file is not a LoRA adapter in llama.cpp's format: {@code general.type} is not {@code adapter},
 * {@code adapter.type} is not {@code lora}, a {@code .lora_a} tensor has no {@code .lora_b} partner, the shapes of a
 * pair do not agree on the rank, and so on. The message names the file and, where there is one, the tensor.
 *
 * <p>A file that is not GGUF at all, or is truncated, fails earlier with
 * {@link dev.deliberate.gguf.GgufFormatException}. An adapter that is well formed but does not fit a base model fails
 * with {@link LoraMismatchException}.
 */
public final class LoraFormatException extends ModelLoadException {
    private static final long serialVersionUID = 1L;

    private final String source;

    /**
     * @param source  the adapter file (or other source name)
     * @param problem what is wrong, without the file name (it is added)
     */
    public LoraFormatException(String source, String problem) {
        super(source + ": not a usable LoRA adapter: " + problem);
        this.source = source;
    }

    /**
     * @param source  the adapter file (or other source name)
     * @param problem what is wrong, without the file name (it is added)
     * @param cause   the underlying failure, such as a {@link dev.deliberate.gguf.GgufFormatException}
     */
    public LoraFormatException(String source, String problem, Throwable cause) {
        super(source + ": not a usable LoRA adapter: " + problem, cause);
        this.source = source;
    }

    /** @return the adapter file (or other source name) */
    public String source() {
        return source;
    }
}

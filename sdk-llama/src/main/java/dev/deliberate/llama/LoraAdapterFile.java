package dev.deliberate.llama;

import dev.deliberate.core.InvalidRequestException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A LoRA adapter file (llama.cpp's GGUF adapter format, as {@code dev.deliberate.gguf.lora.LoraAdapter} writes it)
 * to apply to a model, with its scale: each adapted projection becomes {@code W x + scale * alpha / rank * B A x}.
 *
 * @param path  the adapter file
 * @param scale a finite factor; 1 applies the adapter as trained, 0 not at all
 */
public record LoraAdapterFile(Path path, float scale) {

    /** Rejects a scale that is not finite. */
    public LoraAdapterFile {
        Objects.requireNonNull(path, "path");
        if (!Float.isFinite(scale)) {
            throw new InvalidRequestException("LoRA scale must be a finite number, got " + scale + " for " + path);
        }
    }

    /**
     * @param path the adapter file, applied at scale 1
     * @return the adapter as trained
     */
    public static LoraAdapterFile of(Path path) {
        return new LoraAdapterFile(path, 1f);
    }

    /**
     * Parses {@code FILE} or {@code FILE:SCALE} (the form of the command line's {@code --lora}). The text after the
     * last colon is a scale only if it is a number, so {@code C:\adapters\a.gguf} is a file.
     *
     * @param spec the text
     * @return the adapter file and scale (1 when absent)
     * @throws InvalidRequestException if the text is empty or the scale is not finite
     */
    public static LoraAdapterFile parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        int colon = spec.lastIndexOf(':');
        if (colon > 0 && colon < spec.length() - 1) {
            String tail = spec.substring(colon + 1);
            if (tail.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                return new LoraAdapterFile(Path.of(spec.substring(0, colon)), Float.parseFloat(tail));
            }
        }
        if (spec.isBlank()) {
            throw new InvalidRequestException("a LoRA adapter needs a file: FILE or FILE:SCALE");
        }
        return new LoraAdapterFile(Path.of(spec), 1f);
    }
}

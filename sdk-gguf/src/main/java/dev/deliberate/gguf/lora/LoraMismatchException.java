package dev.deliberate.gguf.lora;

import dev.deliberate.core.ModelLoadException;
import java.util.Optional;

/**
 * A LoRA adapter does not fit the base model it is applied to: its architecture differs, one of its target tensors
 * does not exist in the base, or the shapes do not fit. The message names the adapter, the base, the tensor and both
 * shapes (in ggml order, row length first), so a person sees at once whether the adapter was trained for another
 * model.
 *
 * <p>Thrown before llama.cpp sees the adapter: llama.cpp only logs such a mismatch and fails the whole model load
 * without saying why.
 */
public final class LoraMismatchException extends ModelLoadException {
    private static final long serialVersionUID = 1L;

    private final String adapter;
    private final String base;
    private final String tensor;

    /**
     * @param adapter the adapter file (or other source name)
     * @param base    the base model file (or other source name)
     * @param tensor  the base tensor concerned, or {@code null} when the problem is the whole file (architecture)
     * @param problem what does not fit, with the shapes
     */
    public LoraMismatchException(String adapter, String base, String tensor, String problem) {
        super("LoRA adapter " + adapter + " does not fit base model " + base + ": "
                + (tensor == null ? "" : "tensor " + tensor + ": ") + problem);
        this.adapter = adapter;
        this.base = base;
        this.tensor = tensor;
    }

    /** @return the adapter file (or other source name) */
    public String adapter() {
        return adapter;
    }

    /** @return the base model file (or other source name) */
    public String base() {
        return base;
    }

    /** @return the base tensor concerned, empty when the problem is the whole file */
    public Optional<String> tensor() {
        return Optional.ofNullable(tensor);
    }
}

package dev.deliberate.gguf.lora;

import java.util.Objects;

/**
 * An adapter and the scale it is applied with: the adapted projection becomes
 * {@code y = W x + scale * adapter.scaling() * B (A x)}. Scale 1 applies the adapter as trained, 0 not at all; other
 * values weaken, strengthen or (negative) invert it, as llama.cpp's {@code --lora-scaled FILE SCALE}.
 *
 * @param adapter the adapter
 * @param scale   a finite factor
 */
public record ScaledLora(LoraAdapter adapter, float scale) {

    /** Rejects a scale that is not finite. */
    public ScaledLora {
        Objects.requireNonNull(adapter, "adapter");
        if (!Float.isFinite(scale)) {
            throw new IllegalArgumentException("LoRA scale must be finite: " + scale);
        }
    }
}

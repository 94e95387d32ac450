package dev.deliberate.adapt.model;

/**
 * Which elements of a head vector rotary position embedding rotates together, as llama.cpp decides per
 * architecture ({@code llama_model_rope_type}).
 */
public enum RopeStyle {
    /** Pairs {@code (2i, 2i+1)}: llama.cpp's default ({@code LLAMA_ROPE_TYPE_NORM}), used for {@code llama}. */
    NORMAL,
    /**
     * Pairs {@code (i, i + d/2)}: GPT-NeoX style ({@code LLAMA_ROPE_TYPE_NEOX}), used for {@code qwen2} and by
     * Hugging Face's {@code rotate_half}.
     */
    NEOX
}

package dev.deliberate.adapt.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The decoder architectures this module runs, by their GGUF {@code general.architecture} name. */
public enum Architecture {
    /** Qwen2 (and the DeepSeek-R1-Distill-Qwen models): q/k/v biases, NEOX rotation. */
    QWEN2("qwen2", RopeStyle.NEOX),
    /** LLaMA: no biases, normal rotation (GGUF converters permute q/k so that it matches Hugging Face). */
    LLAMA("llama", RopeStyle.NORMAL);

    private final String ggufName;
    private final RopeStyle ropeStyle;

    Architecture(String ggufName, RopeStyle ropeStyle) {
        this.ggufName = ggufName;
        this.ropeStyle = ropeStyle;
    }

    /** @return the name in {@code general.architecture} and the prefix of its metadata keys */
    public String ggufName() {
        return ggufName;
    }

    /** @return how llama.cpp rotates positions for this architecture */
    public RopeStyle ropeStyle() {
        return ropeStyle;
    }

    /**
     * @param ggufName a {@code general.architecture} value
     * @return the architecture, if supported
     */
    public static Optional<Architecture> ofGguf(String ggufName) {
        return Arrays.stream(values()).filter(a -> a.ggufName.equals(ggufName)).findFirst();
    }

    /** @return the supported GGUF names, comma-separated, for messages */
    public static String supportedNames() {
        return Arrays.stream(values()).map(Architecture::ggufName).collect(Collectors.joining(", "));
    }
}

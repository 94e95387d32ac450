package dev.deliberate.gguf;

import java.util.Optional;

/**
 * The quantization of a whole model as llama.cpp names it: the {@code general.file_type} metadata value
 * ({@code enum llama_ftype} in llama.cpp's {@code llama.h}). Most tensors of a file have the type named here; norms
 * and biases usually stay F32.
 */
public enum GgufFileType {
    /** Everything F32. */
    ALL_F32(0, "F32"),
    /** Mostly F16. */
    MOSTLY_F16(1, "F16"),
    /** Mostly Q4_0. */
    MOSTLY_Q4_0(2, "Q4_0"),
    /** Mostly Q4_1. */
    MOSTLY_Q4_1(3, "Q4_1"),
    /** Mostly Q8_0. */
    MOSTLY_Q8_0(7, "Q8_0"),
    /** Mostly Q5_0. */
    MOSTLY_Q5_0(8, "Q5_0"),
    /** Mostly Q5_1. */
    MOSTLY_Q5_1(9, "Q5_1"),
    /** Q2_K. */
    MOSTLY_Q2_K(10, "Q2_K"),
    /** Q3_K small. */
    MOSTLY_Q3_K_S(11, "Q3_K_S"),
    /** Q3_K medium. */
    MOSTLY_Q3_K_M(12, "Q3_K_M"),
    /** Q3_K large. */
    MOSTLY_Q3_K_L(13, "Q3_K_L"),
    /** Q4_K small. */
    MOSTLY_Q4_K_S(14, "Q4_K_S"),
    /** Q4_K medium. */
    MOSTLY_Q4_K_M(15, "Q4_K_M"),
    /** Q5_K small. */
    MOSTLY_Q5_K_S(16, "Q5_K_S"),
    /** Q5_K medium. */
    MOSTLY_Q5_K_M(17, "Q5_K_M"),
    /** Q6_K. */
    MOSTLY_Q6_K(18, "Q6_K"),
    /** IQ2_XXS. */
    MOSTLY_IQ2_XXS(19, "IQ2_XXS"),
    /** IQ2_XS. */
    MOSTLY_IQ2_XS(20, "IQ2_XS"),
    /** Q2_K small. */
    MOSTLY_Q2_K_S(21, "Q2_K_S"),
    /** IQ3_XS. */
    MOSTLY_IQ3_XS(22, "IQ3_XS"),
    /** IQ3_XXS. */
    MOSTLY_IQ3_XXS(23, "IQ3_XXS"),
    /** IQ1_S. */
    MOSTLY_IQ1_S(24, "IQ1_S"),
    /** IQ4_NL. */
    MOSTLY_IQ4_NL(25, "IQ4_NL"),
    /** IQ3_S. */
    MOSTLY_IQ3_S(26, "IQ3_S"),
    /** IQ3_M. */
    MOSTLY_IQ3_M(27, "IQ3_M"),
    /** IQ2_S. */
    MOSTLY_IQ2_S(28, "IQ2_S"),
    /** IQ2_M. */
    MOSTLY_IQ2_M(29, "IQ2_M"),
    /** IQ4_XS. */
    MOSTLY_IQ4_XS(30, "IQ4_XS"),
    /** IQ1_M. */
    MOSTLY_IQ1_M(31, "IQ1_M"),
    /** BF16. */
    MOSTLY_BF16(32, "BF16"),
    /** TQ1_0. */
    MOSTLY_TQ1_0(36, "TQ1_0"),
    /** TQ2_0. */
    MOSTLY_TQ2_0(37, "TQ2_0"),
    /** MXFP4 for mixture-of-experts weights. */
    MOSTLY_MXFP4_MOE(38, "MXFP4_MOE");

    private final int code;
    private final String label;

    GgufFileType(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** @return the {@code general.file_type} code */
    public int code() {
        return code;
    }

    /** @return the short name people use, such as {@code Q8_0} or {@code Q4_K_M} */
    public String label() {
        return label;
    }

    /**
     * @param code a {@code general.file_type} value
     * @return the file type, if known
     */
    public static Optional<GgufFileType> byCode(long code) {
        for (GgufFileType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}

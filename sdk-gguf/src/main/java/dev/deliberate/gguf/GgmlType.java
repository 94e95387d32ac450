package dev.deliberate.gguf;

import java.util.Optional;

/**
 * Tensor element types of ggml (the {@code ggml_type} codes stored in GGUF tensor descriptions), with the block
 * layout needed to compute a tensor's size in bytes. Codes retired by ggml (4, 5, 31-33, 36-38) are absent; a file
 * may still name a code this enum does not know, see {@link GgufTensorInfo#type()}.
 *
 * <p>Block sizes and byte sizes follow ggml's {@code type_traits} table.
 */
public enum GgmlType {
    /** 32-bit float. */
    F32(0, 1, 4),
    /** 16-bit IEEE float. */
    F16(1, 1, 2),
    /** 4-bit, blocks of 32 with an fp16 scale. */
    Q4_0(2, 32, 18),
    /** 4-bit, blocks of 32 with fp16 scale and minimum. */
    Q4_1(3, 32, 20),
    /** 5-bit, blocks of 32. */
    Q5_0(6, 32, 22),
    /** 5-bit with minimum, blocks of 32. */
    Q5_1(7, 32, 24),
    /** 8-bit, blocks of 32 with an fp16 scale: 34 bytes per block. */
    Q8_0(8, 32, 34),
    /** 8-bit with sum, blocks of 32. */
    Q8_1(9, 32, 36),
    /** k-quant 2-bit. */
    Q2_K(10, 256, 84),
    /** k-quant 3-bit. */
    Q3_K(11, 256, 110),
    /** k-quant 4-bit. */
    Q4_K(12, 256, 144),
    /** k-quant 5-bit. */
    Q5_K(13, 256, 176),
    /** k-quant 6-bit. */
    Q6_K(14, 256, 210),
    /** k-quant 8-bit (intermediate). */
    Q8_K(15, 256, 292),
    /** i-quant. */
    IQ2_XXS(16, 256, 66),
    /** i-quant. */
    IQ2_XS(17, 256, 74),
    /** i-quant. */
    IQ3_XXS(18, 256, 98),
    /** i-quant. */
    IQ1_S(19, 256, 50),
    /** i-quant, non-linear 4-bit in blocks of 32. */
    IQ4_NL(20, 32, 18),
    /** i-quant. */
    IQ3_S(21, 256, 110),
    /** i-quant. */
    IQ2_S(22, 256, 82),
    /** i-quant. */
    IQ4_XS(23, 256, 136),
    /** 8-bit integer. */
    I8(24, 1, 1),
    /** 16-bit integer. */
    I16(25, 1, 2),
    /** 32-bit integer. */
    I32(26, 1, 4),
    /** 64-bit integer. */
    I64(27, 1, 8),
    /** 64-bit float. */
    F64(28, 1, 8),
    /** i-quant. */
    IQ1_M(29, 256, 56),
    /** bfloat16. */
    BF16(30, 1, 2),
    /** ternary. */
    TQ1_0(34, 256, 54),
    /** ternary. */
    TQ2_0(35, 256, 66),
    /** microscaling fp4, blocks of 32. */
    MXFP4(39, 32, 17);

    private final int code;
    private final int blockSize;
    private final int blockBytes;

    GgmlType(int code, int blockSize, int blockBytes) {
        this.code = code;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** @return the {@code ggml_type} code stored in files */
    public int code() {
        return code;
    }

    /** @return elements per block (1 for plain types) */
    public int blockSize() {
        return blockSize;
    }

    /** @return bytes per block */
    public int blockBytes() {
        return blockBytes;
    }

    /**
     * @param code a {@code ggml_type} code from a file
     * @return the type, if this version knows it
     */
    public static Optional<GgmlType> byCode(long code) {
        for (GgmlType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}

package dev.deliberate.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decodes ggml tensor blocks to floats, bit for bit as ggml's reference {@code dequantize_row_*} functions do. Not
 * API: {@link GgufTensorReader} is the entry point.
 */
final class Dequantizer {

    /** The element types {@link #decode} accepts. */
    static final Set<GgmlType> SUPPORTED = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0);

    private Dequantizer() {
    }

    /** @return the supported type names, for error messages */
    static String supportedNames() {
        return SUPPORTED.stream().map(Enum::name).collect(Collectors.joining(", "));
    }

    /**
     * Decodes {@code count} values (a whole number of blocks) from {@code src}, starting at its position, into
     * {@code dst} from {@code at}. The buffer's position advances past the bytes read.
     */
    static void decode(GgmlType type, ByteBuffer src, float[] dst, int at, int count) {
        ByteBuffer b = src.order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case F32 -> {
                b.asFloatBuffer().get(dst, at, count);
                b.position(b.position() + 4 * count);
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst[at + i] = Float16.toFloat(b.getShort());
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst[at + i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                }
            }
            case Q8_0 -> {
                for (int blk = 0; blk < count / 32; blk++) {
                    float d = Float16.toFloat(b.getShort());
                    int o = at + blk * 32;
                    for (int k = 0; k < 32; k++) {
                        dst[o + k] = b.get() * d;
                    }
                }
            }
            default -> throw new IllegalArgumentException("no decoder for " + type);
        }
    }
}

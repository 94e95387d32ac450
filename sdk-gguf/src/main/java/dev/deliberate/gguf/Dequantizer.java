package dev.deliberate.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decodes ggml tensor blocks to floats, bit for bit as ggml's reference {@code dequantize_row_*} functions do
 * (same block layouts as ggml's {@code ggml-common.h}, same float operations in the same order). Not API:
 * {@link GgufTensorReader} is the entry point.
 *
 * <p>Block layouts (little-endian; {@code half} is an IEEE fp16):
 * <ul>
 *   <li>{@code Q4_0} (32 values, 18 bytes): half d; 16 bytes of nibbles, low nibbles values 0-15, high 16-31;
 *       {@code x = (q - 8) * d}.</li>
 *   <li>{@code Q4_1} (32, 20): half d, half m; nibbles as Q4_0; {@code x = q * d + m}.</li>
 *   <li>{@code Q5_0} (32, 22): half d; 32-bit high bits (bit j for value j); nibbles; {@code x = (q - 16) * d}.</li>
 *   <li>{@code Q5_1} (32, 24): half d, half m; high bits; nibbles; {@code x = q * d + m}.</li>
 *   <li>{@code Q2_K} (256, 84): 16 bytes of 4-bit scale and 4-bit min per 16 values; 64 bytes of 2-bit
 *       quants; half d, half dmin; {@code x = d * sc * q - dmin * m}.</li>
 *   <li>{@code Q3_K} (256, 110): 32 bytes high-bit mask; 64 bytes 2-bit low quants; 12 bytes of sixteen packed
 *       6-bit scales; half d; {@code x = d * (sc - 32) * (q - 4)}.</li>
 *   <li>{@code Q4_K} (256, 144): half d, half dmin; 12 bytes of eight packed 6-bit scales and mins; 128 bytes of
 *       nibbles, 64 values per 32 bytes; {@code x = d * sc * q - dmin * m}.</li>
 *   <li>{@code Q5_K} (256, 176): as Q4_K plus 32 bytes of high bits before the nibbles.</li>
 *   <li>{@code Q6_K} (256, 210): 128 bytes low nibbles, 64 bytes 2-bit high parts, 16 signed 8-bit scales,
 *       half d; {@code x = d * sc * (q - 32)}.</li>
 * </ul>
 * Decoding is allocation-free: it reads the buffer's backing array directly, a whole block at a time.
 */
final class Dequantizer {

    /** The element types {@link #decode} accepts. */
    static final Set<GgmlType> SUPPORTED = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0,
            GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K,
            GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K);

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
                return;
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst[at + i] = Float16.toFloat(b.getShort());
                }
                return;
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst[at + i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                }
                return;
            }
            default -> {
                // block types below
            }
        }
        if (!SUPPORTED.contains(type)) {
            throw new IllegalArgumentException("no decoder for " + type);
        }
        int blocks = count / type.blockSize();
        int bytes = blocks * type.blockBytes();
        byte[] a;
        int p;
        if (b.hasArray()) {
            a = b.array();
            p = b.arrayOffset() + b.position();
            b.position(b.position() + bytes);
        } else {
            a = new byte[bytes];
            b.get(a);
            p = 0;
        }
        int o = at;
        int step = type.blockBytes();
        int n = type.blockSize();
        for (int blk = 0; blk < blocks; blk++, p += step, o += n) {
            switch (type) {
                case Q8_0 -> q8_0(a, p, dst, o);
                case Q4_0 -> q4_0(a, p, dst, o);
                case Q4_1 -> q4_1(a, p, dst, o);
                case Q5_0 -> q5_0(a, p, dst, o);
                case Q5_1 -> q5_1(a, p, dst, o);
                case Q2_K -> q2K(a, p, dst, o);
                case Q3_K -> q3K(a, p, dst, o);
                case Q4_K -> q4K(a, p, dst, o);
                case Q5_K -> q5K(a, p, dst, o);
                case Q6_K -> q6K(a, p, dst, o);
                default -> throw new IllegalArgumentException("no decoder for " + type);
            }
        }
    }

    private static float half(byte[] a, int p) {
        return Float16.toFloat((short) ((a[p] & 0xff) | (a[p + 1] << 8)));
    }

    private static int u8(byte[] a, int p) {
        return a[p] & 0xff;
    }

    private static int u32(byte[] a, int p) {
        return (a[p] & 0xff) | (a[p + 1] & 0xff) << 8 | (a[p + 2] & 0xff) << 16 | (a[p + 3] & 0xff) << 24;
    }

    static void q8_0(byte[] a, int p, float[] y, int o) {
        float d = half(a, p);
        for (int k = 0; k < 32; k++) {
            y[o + k] = a[p + 2 + k] * d;
        }
    }

    static void q4_0(byte[] a, int p, float[] y, int o) {
        float d = half(a, p);
        for (int j = 0; j < 16; j++) {
            int q = u8(a, p + 2 + j);
            y[o + j] = ((q & 0xf) - 8) * d;
            y[o + j + 16] = ((q >>> 4) - 8) * d;
        }
    }

    static void q4_1(byte[] a, int p, float[] y, int o) {
        float d = half(a, p);
        float m = half(a, p + 2);
        for (int j = 0; j < 16; j++) {
            int q = u8(a, p + 4 + j);
            y[o + j] = (q & 0xf) * d + m;
            y[o + j + 16] = (q >>> 4) * d + m;
        }
    }

    static void q5_0(byte[] a, int p, float[] y, int o) {
        float d = half(a, p);
        int qh = u32(a, p + 2);
        for (int j = 0; j < 16; j++) {
            int q = u8(a, p + 6 + j);
            int h0 = ((qh >>> j) << 4) & 0x10;
            int h1 = (qh >>> (j + 12)) & 0x10;
            y[o + j] = (((q & 0xf) | h0) - 16) * d;
            y[o + j + 16] = (((q >>> 4) | h1) - 16) * d;
        }
    }

    static void q5_1(byte[] a, int p, float[] y, int o) {
        float d = half(a, p);
        float m = half(a, p + 2);
        int qh = u32(a, p + 4);
        for (int j = 0; j < 16; j++) {
            int q = u8(a, p + 8 + j);
            int h0 = ((qh >>> j) << 4) & 0x10;
            int h1 = (qh >>> (j + 12)) & 0x10;
            y[o + j] = ((q & 0xf) | h0) * d + m;
            y[o + j + 16] = ((q >>> 4) | h1) * d + m;
        }
    }

    /** scales[16] at 0, qs[64] at 16, d at 80, dmin at 82. */
    static void q2K(byte[] a, int p, float[] y, int o) {
        float d = half(a, p + 80);
        float min = half(a, p + 82);
        int q = p + 16;
        int is = 0;
        for (int n = 0; n < 256; n += 128) {
            for (int shift = 0; shift < 8; shift += 2) {
                for (int half = 0; half < 32; half += 16) {
                    int sc = u8(a, p + is++);
                    float dl = d * (sc & 0xf);
                    float ml = min * (sc >>> 4);
                    for (int l = 0; l < 16; l++) {
                        y[o++] = dl * ((u8(a, q + half + l) >>> shift) & 3) - ml;
                    }
                }
            }
            q += 32;
        }
    }

    /** hmask[32] at 0, qs[64] at 32, scales[12] at 96, d at 108. */
    static void q3K(byte[] a, int p, float[] y, int o) {
        float dAll = half(a, p + 108);
        int a0 = u32(a, p + 96);
        int a1 = u32(a, p + 100);
        int tmp = u32(a, p + 104);
        // the sixteen 6-bit scales, unpacked four to an int as ggml does: low nibbles of bytes 0-7, high nibbles,
        // and two high bits each from bytes 8-11
        int s0 = (a0 & 0x0f0f0f0f) | ((tmp & 0x03030303) << 4);
        int s1 = (a1 & 0x0f0f0f0f) | (((tmp >>> 2) & 0x03030303) << 4);
        int s2 = ((a0 >>> 4) & 0x0f0f0f0f) | (((tmp >>> 4) & 0x03030303) << 4);
        int s3 = ((a1 >>> 4) & 0x0f0f0f0f) | (((tmp >>> 6) & 0x03030303) << 4);
        int q = p + 32;
        int hm = p;
        int m = 1;
        int is = 0;
        for (int n = 0; n < 256; n += 128) {
            for (int shift = 0; shift < 8; shift += 2) {
                for (int half = 0; half < 32; half += 16) {
                    int word = is < 4 ? s0 : is < 8 ? s1 : is < 12 ? s2 : s3;
                    int sc = (byte) (word >>> (8 * (is & 3)));
                    is++;
                    float dl = dAll * (sc - 32);
                    for (int l = 0; l < 16; l++) {
                        int low = (u8(a, q + half + l) >>> shift) & 3;
                        y[o++] = dl * (low - ((a[hm + half + l] & m) != 0 ? 0 : 4));
                    }
                }
                m <<= 1;
            }
            q += 32;
        }
    }

    /** The 6-bit scale of sub-block j from the 12 packed bytes at s (ggml's get_scale_min_k4). */
    private static int scaleK4(byte[] a, int s, int j) {
        return j < 4 ? u8(a, s + j) & 63 : (u8(a, s + j + 4) & 0xf) | ((u8(a, s + j - 4) >>> 6) << 4);
    }

    /** The 6-bit min of sub-block j from the 12 packed bytes at s. */
    private static int minK4(byte[] a, int s, int j) {
        return j < 4 ? u8(a, s + j + 4) & 63 : (u8(a, s + j + 4) >>> 4) | ((u8(a, s + j) >>> 6) << 4);
    }

    /** d at 0, dmin at 2, scales[12] at 4, qs[128] at 16. */
    static void q4K(byte[] a, int p, float[] y, int o) {
        float d = half(a, p);
        float min = half(a, p + 2);
        int s = p + 4;
        int q = p + 16;
        for (int is = 0; is < 8; is += 2, q += 32) {
            float d1 = d * scaleK4(a, s, is);
            float m1 = min * minK4(a, s, is);
            float d2 = d * scaleK4(a, s, is + 1);
            float m2 = min * minK4(a, s, is + 1);
            for (int l = 0; l < 32; l++) {
                y[o++] = d1 * (u8(a, q + l) & 0xf) - m1;
            }
            for (int l = 0; l < 32; l++) {
                y[o++] = d2 * (u8(a, q + l) >>> 4) - m2;
            }
        }
    }

    /** d at 0, dmin at 2, scales[12] at 4, qh[32] at 16, qs[128] at 48. */
    static void q5K(byte[] a, int p, float[] y, int o) {
        float d = half(a, p);
        float min = half(a, p + 2);
        int s = p + 4;
        int qh = p + 16;
        int ql = p + 48;
        int u1 = 1;
        int u2 = 2;
        for (int is = 0; is < 8; is += 2, ql += 32, u1 <<= 2, u2 <<= 2) {
            float d1 = d * scaleK4(a, s, is);
            float m1 = min * minK4(a, s, is);
            float d2 = d * scaleK4(a, s, is + 1);
            float m2 = min * minK4(a, s, is + 1);
            for (int l = 0; l < 32; l++) {
                y[o++] = d1 * ((u8(a, ql + l) & 0xf) + ((a[qh + l] & u1) != 0 ? 16 : 0)) - m1;
            }
            for (int l = 0; l < 32; l++) {
                y[o++] = d2 * ((u8(a, ql + l) >>> 4) + ((a[qh + l] & u2) != 0 ? 16 : 0)) - m2;
            }
        }
    }

    /** ql[128] at 0, qh[64] at 128, scales[16] (signed) at 192, d at 208. */
    static void q6K(byte[] a, int p, float[] y, int o) {
        float d = half(a, p + 208);
        int ql = p;
        int qh = p + 128;
        int sc = p + 192;
        for (int n = 0; n < 256; n += 128, o += 128, ql += 64, qh += 32, sc += 8) {
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int h = u8(a, qh + l);
                int lo = u8(a, ql + l);
                int hi = u8(a, ql + l + 32);
                int q1 = ((lo & 0xf) | ((h & 3) << 4)) - 32;
                int q2 = ((hi & 0xf) | (((h >>> 2) & 3) << 4)) - 32;
                int q3 = ((lo >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                int q4 = ((hi >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                y[o + l] = d * a[sc + is] * q1;
                y[o + l + 32] = d * a[sc + is + 2] * q2;
                y[o + l + 64] = d * a[sc + is + 4] * q3;
                y[o + l + 96] = d * a[sc + is + 6] * q4;
            }
        }
    }
}

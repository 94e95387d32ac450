package dev.deliberate.gguf;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Encodes blocks of floats as ggml's reference quantizers do ({@code quantize_row_*_ref} in ggml's
 * {@code ggml-quants.c}: the algorithms used when no importance matrix is given), so that {@link Dequantizer}
 * and llama.cpp decode them. The float operations follow the reference in the same order, so the output is
 * normally byte-identical to ggml's; a C compiler that fuses multiply-adds may round a value differently.
 *
 * <p>One instance encodes blocks of one type and owns its scratch arrays: no allocation per block. Not API, not
 * thread-safe.
 */
final class Quantizer {

    /** The block types {@link #block} encodes (F32 and F16 are not block types). */
    static final Set<GgmlType> SUPPORTED = EnumSet.of(GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0,
            GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K);

    private static final float GROUP_MAX_EPS = 1e-15f;

    private final GgmlType type;
    private final int[] l = new int[256];
    private final int[] laux = new int[32];
    private final float[] weights = new float[32];
    private final float[] scales = new float[16];
    private final float[] mins = new float[16];
    private final float[] minOut = new float[1];

    Quantizer(GgmlType type) {
        if (!SUPPORTED.contains(type)) {
            throw new IllegalArgumentException("no quantizer for " + type);
        }
        this.type = type;
    }

    GgmlType type() {
        return type;
    }

    /**
     * Encodes one block: {@code type.blockSize()} values from {@code x[from]} into {@code type.blockBytes()} bytes
     * at {@code out[at]}.
     */
    void block(float[] x, int from, byte[] out, int at) {
        switch (type) {
            case Q8_0 -> q8_0(x, from, out, at);
            case Q4_0 -> q4_0(x, from, out, at);
            case Q4_1 -> q4_1(x, from, out, at);
            case Q5_0 -> q5_0(x, from, out, at);
            case Q5_1 -> q5_1(x, from, out, at);
            case Q2_K -> q2K(x, from, out, at);
            case Q3_K -> q3K(x, from, out, at);
            case Q4_K -> q4K(x, from, out, at);
            case Q5_K -> q5K(x, from, out, at);
            case Q6_K -> q6K(x, from, out, at);
            default -> throw new IllegalStateException(type.name());
        }
    }

    // ---------------------------------------------------------------- helpers

    /** ggml's nearest_int: round to nearest, ties to even, valid for |x| <= 4194303. */
    static int nearestInt(float f) {
        return (Float.floatToRawIntBits(f + 12582912f) & 0x007fffff) - 0x00400000;
    }

    private static void putHalf(byte[] out, int at, float v) {
        short h = Float16.fromFloat(v);
        out[at] = (byte) h;
        out[at + 1] = (byte) (h >>> 8);
    }

    /** The float a half stored at out[at] decodes to. */
    private static float half(byte[] out, int at) {
        return Float16.toFloat((short) ((out[at] & 0xff) | (out[at + 1] << 8)));
    }

    private static void putU32(byte[] out, int at, int v) {
        out[at] = (byte) v;
        out[at + 1] = (byte) (v >>> 8);
        out[at + 2] = (byte) (v >>> 16);
        out[at + 3] = (byte) (v >>> 24);
    }

    // ---------------------------------------------------------------- 32-value blocks

    /**
     * Scale {@code max|x|/127}, values {@code round(x/scale)}. Ties round to even here while ggml's roundf rounds
     * them away from zero: an exact tie is rare in real weights, and this keeps files written by earlier versions
     * byte-identical.
     */
    private static void q8_0(float[] x, int from, byte[] out, int at) {
        float amax = 0f;
        for (int k = from; k < from + 32; k++) {
            amax = Math.max(amax, Math.abs(x[k]));
        }
        float d = amax / 127f;
        float id = d != 0f ? 1f / d : 0f;
        putHalf(out, at, d);
        for (int k = 0; k < 32; k++) {
            out[at + 2 + k] = (byte) Math.rint(x[from + k] * id);
        }
    }

    /** The value of largest magnitude, with its sign. */
    private static float signedMax(float[] x, int from, int n) {
        float amax = 0f;
        float max = 0f;
        for (int j = from; j < from + n; j++) {
            float v = x[j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        return max;
    }

    private static void q4_0(float[] x, int from, byte[] out, int at) {
        float d = signedMax(x, from, 32) / -8;
        float id = d != 0f ? 1f / d : 0f;
        putHalf(out, at, d);
        for (int j = 0; j < 16; j++) {
            int a = Math.min(15, (int) (x[from + j] * id + 8.5f));
            int b = Math.min(15, (int) (x[from + 16 + j] * id + 8.5f));
            out[at + 2 + j] = (byte) (a | (b << 4));
        }
    }

    private static void q4_1(float[] x, int from, byte[] out, int at) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = from; j < from + 32; j++) {
            min = Math.min(min, x[j]);
            max = Math.max(max, x[j]);
        }
        float d = (max - min) / 15;
        float id = d != 0f ? 1f / d : 0f;
        putHalf(out, at, d);
        putHalf(out, at + 2, min);
        for (int j = 0; j < 16; j++) {
            int a = Math.min(15, (int) ((x[from + j] - min) * id + 0.5f));
            int b = Math.min(15, (int) ((x[from + 16 + j] - min) * id + 0.5f));
            out[at + 4 + j] = (byte) (a | (b << 4));
        }
    }

    private static void q5_0(float[] x, int from, byte[] out, int at) {
        float d = signedMax(x, from, 32) / -16;
        float id = d != 0f ? 1f / d : 0f;
        putHalf(out, at, d);
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int a = Math.min(31, (int) (x[from + j] * id + 16.5f));
            int b = Math.min(31, (int) (x[from + 16 + j] * id + 16.5f));
            out[at + 6 + j] = (byte) ((a & 0xf) | ((b & 0xf) << 4));
            qh |= ((a & 0x10) >>> 4) << j;
            qh |= ((b & 0x10) >>> 4) << (j + 16);
        }
        putU32(out, at + 2, qh);
    }

    private static void q5_1(float[] x, int from, byte[] out, int at) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = from; j < from + 32; j++) {
            min = Math.min(min, x[j]);
            max = Math.max(max, x[j]);
        }
        float d = (max - min) / 31;
        float id = d != 0f ? 1f / d : 0f;
        putHalf(out, at, d);
        putHalf(out, at + 2, min);
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int a = Math.min(31, (int) ((x[from + j] - min) * id + 0.5f));
            int b = Math.min(31, (int) ((x[from + 16 + j] - min) * id + 0.5f));
            out[at + 8 + j] = (byte) ((a & 0xf) | ((b & 0xf) << 4));
            qh |= ((a & 0x10) >>> 4) << j;
            qh |= ((b & 0x10) >>> 4) << (j + 16);
        }
        putU32(out, at + 4, qh);
    }

    // ---------------------------------------------------------------- k-quant searches

    /**
     * ggml's make_qx_quants with rmse_type 1 and no importance weights: a symmetric scale for {@code n} values with
     * levels {@code -nmax..nmax-1}, searched around {@code nmax/max} for the least weighted (x²) squared error.
     * Stores {@code level + nmax} into {@link #l} from {@code lAt}; returns the scale.
     */
    private float makeQx(int n, int nmax, float[] x, int from, int lAt) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[from + i]);
            if (ax > amax) {
                amax = ax;
                max = x[from + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            Arrays.fill(l, lAt, lAt + n, 0);
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[from + i];
            int q = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * xi)));
            l[lAt + i] = q + nmax;
            float w = xi * xi;
            sumlx += w * xi * q;
            suml2 += w * q * q;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) {
                continue;
            }
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[from + i];
                int q = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * xi)));
                float w = xi * xi;
                sumlx += w * xi * q;
                suml2 += w * q * q;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; i++) {
                    l[lAt + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[from + i])));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /**
     * ggml's make_q3_quants with rmse: signed levels {@code -nmax..nmax-1} refined by coordinate descent; stores
     * {@code level + nmax} into {@link #l}; returns the (possibly negative) scale.
     */
    private float makeQ3(int n, int nmax, float[] x, int from, int lAt) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[from + i]);
            if (ax > amax) {
                amax = ax;
                max = x[from + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            Arrays.fill(l, lAt, lAt + n, 0);
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[from + i];
            int q = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * xi)));
            l[lAt + i] = q;
            float w = xi * xi;
            sumlx += w * xi * q;
            suml2 += w * q * q;
        }
        for (int itry = 0; itry < 5; itry++) {
            int changed = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[from + i];
                int li = l[lAt + i];
                float w = xi * xi;
                float slx = sumlx - w * xi * li;
                if (slx > 0) {
                    float sl2 = suml2 - w * li * li;
                    int nl = Math.max(-nmax, Math.min(nmax - 1, nearestInt(xi * sl2 / slx)));
                    if (nl != li) {
                        slx += w * xi * nl;
                        sl2 += w * nl * nl;
                        if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                            l[lAt + i] = nl;
                            sumlx = slx;
                            suml2 = sl2;
                            changed++;
                        }
                    }
                }
            }
            if (changed == 0) {
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            l[lAt + i] += nmax;
        }
        return suml2 > 0f ? sumlx / suml2 : 0f;
    }

    /**
     * ggml's make_qkx2_quants: an affine fit {@code x ≈ scale * q - min} with levels {@code 0..nmax} and the given
     * weights, trying {@code nstep + 1} scales; stores levels into {@link #l} from {@code lAt}, the min (as a
     * positive number to subtract) into {@code minOut[0]}, and returns the scale.
     */
    private float makeQkx2(int n, int nmax, float[] x, int from, int lAt, float rmin, float rdelta, int nstep,
            boolean useMad) {
        float min = x[from];
        float max = x[from];
        float sumW = weights[0];
        float sumX = sumW * x[from];
        for (int i = 1; i < n; i++) {
            float xi = x[from + i];
            if (xi < min) {
                min = xi;
            }
            if (xi > max) {
                max = xi;
            }
            float w = weights[i];
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) {
            min = 0;
        }
        if (max == min) {
            Arrays.fill(l, lAt, lAt + n, 0);
            minOut[0] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            int q = Math.max(0, Math.min(nmax, nearestInt(iscale * (x[from + i] - min))));
            l[lAt + i] = q;
            float diff = scale * q + min - x[from + i];
            diff = useMad ? Math.abs(diff) : diff * diff;
            bestError += weights[i] * diff;
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXl = 0;
            for (int i = 0; i < n; i++) {
                int q = Math.max(0, Math.min(nmax, nearestInt(iscale * (x[from + i] - min))));
                laux[i] = q;
                float w = weights[i];
                sumL += w * q;
                sumL2 += w * q * q;
                sumXl += w * q * x[from + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXl - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXl) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXl / sumL2;
                }
                float error = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * laux[i] + thisMin - x[from + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    error += weights[i] * diff;
                }
                if (error < bestError) {
                    System.arraycopy(laux, 0, l, lAt, n);
                    bestError = error;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        minOut[0] = -min;
        return scale;
    }

    // ---------------------------------------------------------------- k-quants

    /** Layout as {@link Dequantizer#q2K}. */
    private void q2K(float[] x, int from, byte[] out, int at) {
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 16; j++) {
            for (int i = 0; i < 16; i++) {
                weights[i] = Math.abs(x[from + 16 * j + i]);
            }
            scales[j] = makeQkx2(16, 3, x, from + 16 * j, 16 * j, -0.5f, 0.1f, 15, true);
            mins[j] = minOut[0];
            maxScale = Math.max(maxScale, scales[j]);
            maxMin = Math.max(maxMin, mins[j]);
        }
        int sc = at;
        if (maxScale > 0) {
            float iscale = 15f / maxScale;
            for (int j = 0; j < 16; j++) {
                out[sc + j] = (byte) nearestInt(iscale * scales[j]);
            }
            putHalf(out, at + 80, maxScale / 15f);
        } else {
            Arrays.fill(out, sc, sc + 16, (byte) 0);
            putHalf(out, at + 80, 0f);
        }
        if (maxMin > 0) {
            float iscale = 15f / maxMin;
            for (int j = 0; j < 16; j++) {
                out[sc + j] |= (byte) (nearestInt(iscale * mins[j]) << 4);
            }
            putHalf(out, at + 82, maxMin / 15f);
        } else {
            putHalf(out, at + 82, 0f);
        }
        float dAll = half(out, at + 80);
        float mAll = half(out, at + 82);
        for (int j = 0; j < 16; j++) {
            float d = dAll * (out[sc + j] & 0xf);
            if (d == 0) {
                continue;
            }
            float dm = mAll * ((out[sc + j] & 0xff) >>> 4);
            for (int i = 0; i < 16; i++) {
                l[16 * j + i] = Math.max(0, Math.min(3, nearestInt((x[from + 16 * j + i] + dm) / d)));
            }
        }
        packTwoBits(out, at + 16);
    }

    /** ggml's 2-bit packing of {@link #l}: byte {@code j/4 + k} holds values k, k+32, k+64, k+96 of each 128. */
    private void packTwoBits(byte[] out, int qs) {
        for (int j = 0; j < 256; j += 128) {
            for (int k = 0; k < 32; k++) {
                out[qs + j / 4 + k] = (byte) (l[j + k] | (l[j + k + 32] << 2) | (l[j + k + 64] << 4)
                        | (l[j + k + 96] << 6));
            }
        }
    }

    /** Layout as {@link Dequantizer#q3K}. */
    private void q3K(float[] x, int from, byte[] out, int at) {
        float maxScale = 0;
        float amax = 0;
        for (int j = 0; j < 16; j++) {
            scales[j] = makeQ3(16, 4, x, from + 16 * j, 16 * j);
            float s = Math.abs(scales[j]);
            if (s > amax) {
                amax = s;
                maxScale = scales[j];
            }
        }
        int sc = at + 96;
        Arrays.fill(out, sc, sc + 12, (byte) 0);
        if (maxScale != 0) {
            float iscale = -32f / maxScale;
            for (int j = 0; j < 16; j++) {
                int q = (byte) nearestInt(iscale * scales[j]); // int8_t in ggml
                q = Math.max(-32, Math.min(31, q)) + 32;
                if (j < 8) {
                    out[sc + j] = (byte) (q & 0xf);
                } else {
                    out[sc + j - 8] |= (byte) ((q & 0xf) << 4);
                }
                q >>= 4;
                out[sc + j % 4 + 8] |= (byte) (q << (2 * (j / 4)));
            }
            putHalf(out, at + 108, 1 / iscale);
        } else {
            putHalf(out, at + 108, 0f);
        }
        float dAll = half(out, at + 108);
        for (int j = 0; j < 16; j++) {
            int s = j < 8 ? out[sc + j] & 0xf : (out[sc + j - 8] & 0xff) >>> 4;
            s = (s | (((out[sc + 8 + j % 4] & 0xff) >>> (2 * (j / 4))) & 3) << 4) - 32;
            float d = dAll * s;
            if (d == 0) {
                continue;
            }
            for (int i = 0; i < 16; i++) {
                l[16 * j + i] = Math.max(-4, Math.min(3, nearestInt(x[from + 16 * j + i] / d))) + 4;
            }
        }
        Arrays.fill(out, at, at + 32, (byte) 0);
        int m = 0;
        int hm = 1;
        for (int j = 0; j < 256; j++) {
            if (l[j] > 3) {
                out[at + m] |= (byte) hm;
                l[j] -= 4;
            }
            if (++m == 32) {
                m = 0;
                hm <<= 1;
            }
        }
        packTwoBits(out, at + 32);
    }

    /** Fits the eight 32-value sub-blocks of a Q4_K/Q5_K block and writes d, dmin and the packed scales. */
    private void fitK(float[] x, int from, byte[] out, int at, int nmax, float rmin, float rdelta, int nstep) {
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            float sumX2 = 0;
            for (int i = 0; i < 32; i++) {
                float v = x[from + 32 * j + i];
                sumX2 += v * v;
            }
            float avX = (float) Math.sqrt(sumX2 / 32);
            for (int i = 0; i < 32; i++) {
                weights[i] = avX + Math.abs(x[from + 32 * j + i]);
            }
            scales[j] = makeQkx2(32, nmax, x, from + 32 * j, 32 * j, rmin, rdelta, nstep, false);
            mins[j] = minOut[0];
            maxScale = Math.max(maxScale, scales[j]);
            maxMin = Math.max(maxMin, mins[j]);
        }
        float invScale = maxScale > 0 ? 63f / maxScale : 0f;
        float invMin = maxMin > 0 ? 63f / maxMin : 0f;
        int s = at + 4;
        for (int j = 0; j < 8; j++) {
            int ls = Math.min(63, nearestInt(invScale * scales[j]) & 0xff);
            int lm = Math.min(63, nearestInt(invMin * mins[j]) & 0xff);
            if (j < 4) {
                out[s + j] = (byte) ls;
                out[s + j + 4] = (byte) lm;
            } else {
                out[s + j + 4] = (byte) ((ls & 0xf) | ((lm & 0xf) << 4));
                out[s + j - 4] |= (byte) ((ls >>> 4) << 6);
                out[s + j] |= (byte) ((lm >>> 4) << 6);
            }
        }
        putHalf(out, at, maxScale / 63f);
        putHalf(out, at + 2, maxMin / 63f);
        float d0 = half(out, at);
        float m0 = half(out, at + 2);
        for (int j = 0; j < 8; j++) {
            int sc = j < 4 ? out[s + j] & 63 : (out[s + j + 4] & 0xf) | (((out[s + j - 4] & 0xff) >>> 6) << 4);
            int mn = j < 4 ? out[s + j + 4] & 63 : ((out[s + j + 4] & 0xff) >>> 4) | (((out[s + j] & 0xff) >>> 6) << 4);
            float d = d0 * sc;
            if (d == 0) {
                continue;
            }
            float dm = m0 * mn;
            for (int i = 0; i < 32; i++) {
                l[32 * j + i] = Math.max(0, Math.min(nmax, nearestInt((x[from + 32 * j + i] + dm) / d)));
            }
        }
    }

    /** Layout as {@link Dequantizer#q4K}. */
    private void q4K(float[] x, int from, byte[] out, int at) {
        fitK(x, from, out, at, 15, -1f, 0.1f, 20);
        int q = at + 16;
        for (int j = 0; j < 256; j += 64, q += 32) {
            for (int k = 0; k < 32; k++) {
                out[q + k] = (byte) (l[j + k] | (l[j + k + 32] << 4));
            }
        }
    }

    /** Layout as {@link Dequantizer#q5K}. */
    private void q5K(float[] x, int from, byte[] out, int at) {
        fitK(x, from, out, at, 31, -0.5f, 0.1f, 15);
        int qh = at + 16;
        int ql = at + 48;
        Arrays.fill(out, qh, qh + 32, (byte) 0);
        int m1 = 1;
        int m2 = 2;
        for (int n = 0; n < 256; n += 64, ql += 32, m1 <<= 2, m2 <<= 2) {
            for (int j = 0; j < 32; j++) {
                int l1 = l[n + j];
                if (l1 > 15) {
                    l1 -= 16;
                    out[qh + j] |= (byte) m1;
                }
                int l2 = l[n + j + 32];
                if (l2 > 15) {
                    l2 -= 16;
                    out[qh + j] |= (byte) m2;
                }
                out[ql + j] = (byte) (l1 | (l2 << 4));
            }
        }
    }

    /** Layout as {@link Dequantizer#q6K}. */
    private void q6K(float[] x, int from, byte[] out, int at) {
        float maxScale = 0;
        float maxAbs = 0;
        for (int ib = 0; ib < 16; ib++) {
            float s = makeQx(16, 32, x, from + 16 * ib, 16 * ib);
            scales[ib] = s;
            if (Math.abs(s) > maxAbs) {
                maxAbs = Math.abs(s);
                maxScale = s;
            }
        }
        if (maxAbs < GROUP_MAX_EPS) {
            Arrays.fill(out, at, at + 210, (byte) 0);
            return;
        }
        float iscale = -128f / maxScale;
        putHalf(out, at + 208, 1 / iscale);
        int sc = at + 192;
        for (int ib = 0; ib < 16; ib++) {
            out[sc + ib] = (byte) Math.min(127, nearestInt(iscale * scales[ib]));
        }
        float dAll = half(out, at + 208);
        for (int j = 0; j < 16; j++) {
            float d = dAll * out[sc + j];
            if (d == 0) {
                continue;
            }
            for (int i = 0; i < 16; i++) {
                l[16 * j + i] = Math.max(-32, Math.min(31, nearestInt(x[from + 16 * j + i] / d))) + 32;
            }
        }
        int ql = at;
        int qh = at + 128;
        for (int j = 0; j < 256; j += 128, ql += 64, qh += 32) {
            for (int k = 0; k < 32; k++) {
                int q1 = l[j + k] & 0xf;
                int q2 = l[j + k + 32] & 0xf;
                int q3 = l[j + k + 64] & 0xf;
                int q4 = l[j + k + 96] & 0xf;
                out[ql + k] = (byte) (q1 | (q3 << 4));
                out[ql + k + 32] = (byte) (q2 | (q4 << 4));
                out[qh + k] = (byte) ((l[j + k] >> 4) | ((l[j + k + 32] >> 4) << 2) | ((l[j + k + 64] >> 4) << 4)
                        | ((l[j + k + 96] >> 4) << 6));
            }
        }
    }
}

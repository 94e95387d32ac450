package dev.deliberate.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The block decoders on hand-built blocks whose values follow from the layout written out per element (not from
 * a copy of the decoding loops), and quantize → decode round trips within each type's error bound.
 */
class QuantizedBlocksTest {

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ hand-built blocks

    private static final float D = 0.25f;     // exact in fp16
    private static final float DMIN = 0.125f; // exact in fp16

    private static void half(byte[] b, int at, float v) {
        short h = Float16.fromFloat(v);
        b[at] = (byte) h;
        b[at + 1] = (byte) (h >> 8);
    }

    /** Fills {@code [from, from+n)} with a fixed pseudo-random pattern so every bit of the layout matters. */
    private static void noise(byte[] b, int from, int n, long seed) {
        Random r = new Random(seed);
        for (int i = from; i < from + n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
    }

    private static int u(byte[] b, int i) {
        return b[i] & 0xff;
    }

    private static float[] decode(GgmlType type, byte[] block) {
        float[] out = new float[type.blockSize()];
        assertEquals(type.blockBytes(), block.length);
        Dequantizer.decode(type, ByteBuffer.wrap(block), out, 0, out.length);
        return out;
    }

    private static void assertValues(GgmlType type, byte[] block, IntToDoubleFunction expected) {
        float[] got = decode(type, block);
        for (int i = 0; i < got.length; i++) {
            assertEquals((float) expected.applyAsDouble(i), got[i], 0f, type + " value " + i);
        }
    }

    /** Value i of a 32-block sits in byte i%16, low nibble for i < 16. */
    private static int nibble32(byte[] b, int qs, int i) {
        int v = u(b, qs + i % 16);
        return i < 16 ? v & 0xf : v >> 4;
    }

    @Test
    void q4_0() {
        byte[] b = new byte[18];
        half(b, 0, D);
        noise(b, 2, 16, 1);
        assertValues(GgmlType.Q4_0, b, i -> (nibble32(b, 2, i) - 8) * D);
        b[2] = (byte) 0xf0; // value 0 = (0 - 8) d, value 16 = (15 - 8) d
        float[] v = decode(GgmlType.Q4_0, b);
        assertEquals(-8 * D, v[0]);
        assertEquals(7 * D, v[16]);
    }

    @Test
    void q4_1() {
        byte[] b = new byte[20];
        half(b, 0, D);
        half(b, 2, -1.5f);
        noise(b, 4, 16, 2);
        assertValues(GgmlType.Q4_1, b, i -> nibble32(b, 4, i) * D - 1.5f);
    }

    /** The fifth bit of value i is bit i of the little-endian 32-bit word. */
    private static int fifth(byte[] b, int qh, int i) {
        return (u(b, qh + i / 8) >> (i % 8)) & 1;
    }

    @Test
    void q5_0() {
        byte[] b = new byte[22];
        half(b, 0, D);
        noise(b, 2, 20, 3);
        assertValues(GgmlType.Q5_0, b, i -> (nibble32(b, 6, i) + 16 * fifth(b, 2, i) - 16) * D);
    }

    @Test
    void q5_1() {
        byte[] b = new byte[24];
        half(b, 0, D);
        half(b, 2, 0.5f);
        noise(b, 4, 20, 4);
        assertValues(GgmlType.Q5_1, b, i -> (nibble32(b, 8, i) + 16 * fifth(b, 4, i)) * D + 0.5f);
    }

    @Test
    void q8_0() {
        byte[] b = new byte[34];
        half(b, 0, D);
        noise(b, 2, 32, 5);
        assertValues(GgmlType.Q8_0, b, i -> b[2 + i] * D);
    }

    /** 2 bits of value i (of 256) from 64 bytes at qs: half h = i/128, byte 32h + i%32, shift 2 * ((i%128)/32). */
    private static int twoBits(byte[] b, int qs, int i) {
        int h = i / 128;
        int r = i % 128;
        return (u(b, qs + 32 * h + r % 32) >> (2 * (r / 32))) & 3;
    }

    @Test
    void q2_K() {
        byte[] b = new byte[84];
        noise(b, 0, 80, 6);
        half(b, 80, D);
        half(b, 82, DMIN);
        // sub-block of 16 values s = i/16 has scale (low nibble) and min (high nibble) in byte s
        assertValues(GgmlType.Q2_K, b, i -> {
            int s = u(b, i / 16);
            float dl = D * (s & 0xf);
            float ml = DMIN * (s >> 4);
            return dl * twoBits(b, 16, i) - ml;
        });
    }

    /** Scale s (0-15) of Q3_K: low 4 bits in byte s%8 (low nibble for s < 8), high 2 bits in byte 8 + s%4. */
    private static int q3Scale(byte[] b, int sc, int s) {
        int low = s < 8 ? u(b, sc + s) & 0xf : u(b, sc + s - 8) >> 4;
        int high = (u(b, sc + 8 + s % 4) >> (2 * (s / 4))) & 3;
        return (low | high << 4) - 32;
    }

    @Test
    void q3_K() {
        byte[] b = new byte[110];
        noise(b, 0, 108, 7);
        half(b, 108, D);
        // the high bit of value i is bit (i/32) of hmask byte i%32; a clear bit subtracts 4
        assertValues(GgmlType.Q3_K, b, i -> {
            int high = (u(b, i % 32) >> (i / 32)) & 1;
            int q = twoBits(b, 32, i) - (high == 1 ? 0 : 4);
            return D * q3Scale(b, 96, i / 16) * q;
        });
    }

    /** 6-bit scale j of the 12 packed bytes at s: bytes 0-3 hold scales 0-3, 4-7 mins 0-3, 8-11 the low nibbles
     * of scales/mins 4-7, with their high two bits in the top bits of bytes 0-7. */
    private static int k4Scale(byte[] b, int s, int j) {
        return j < 4 ? u(b, s + j) & 63 : (u(b, s + 4 + j) & 0xf) | (u(b, s + j - 4) >> 6) << 4;
    }

    private static int k4Min(byte[] b, int s, int j) {
        return j < 4 ? u(b, s + 4 + j) & 63 : (u(b, s + 4 + j) >> 4) | (u(b, s + j) >> 6) << 4;
    }

    /** 4 bits of value i from 128 bytes: chunk c = i/64, byte 32c + i%32, low nibble for the first 32 of a chunk. */
    private static int kNibble(byte[] b, int qs, int i) {
        int v = u(b, qs + 32 * (i / 64) + i % 32);
        return (i % 64) < 32 ? v & 0xf : v >> 4;
    }

    @Test
    void q4_K() {
        byte[] b = new byte[144];
        half(b, 0, D);
        half(b, 2, DMIN);
        noise(b, 4, 140, 8);
        assertValues(GgmlType.Q4_K, b, i -> {
            int j = i / 32;
            return (D * k4Scale(b, 4, j)) * kNibble(b, 16, i) - DMIN * k4Min(b, 4, j);
        });
    }

    @Test
    void q5_K() {
        byte[] b = new byte[176];
        half(b, 0, D);
        half(b, 2, DMIN);
        noise(b, 4, 172, 9);
        // the fifth bit of value i is bit (i/32) of qh byte i%32
        assertValues(GgmlType.Q5_K, b, i -> {
            int j = i / 32;
            int q = kNibble(b, 48, i) + 16 * ((u(b, 16 + i % 32) >> (i / 32)) & 1);
            return (D * k4Scale(b, 4, j)) * q - DMIN * k4Min(b, 4, j);
        });
    }

    @Test
    void q6_K() {
        byte[] b = new byte[210];
        noise(b, 0, 208, 10);
        half(b, 208, D);
        // value i: half h = i/128, r = i%128; low nibble from ql byte 64h + r%64 (low for r < 64), 2 high bits
        // from qh byte 32h + r%32 at shift 2*(r/32); scale int8 byte 192 + i/16
        assertValues(GgmlType.Q6_K, b, i -> {
            int h = i / 128;
            int r = i % 128;
            int ql = u(b, 64 * h + r % 64);
            int low = r < 64 ? ql & 0xf : ql >> 4;
            int high = (u(b, 128 + 32 * h + r % 32) >> (2 * (r / 32))) & 3;
            return (D * b[192 + i / 16]) * ((low | high << 4) - 32);
        });
    }

    @Test
    void decodingSeveralBlocksAdvancesThroughTheBuffer() {
        byte[] two = new byte[2 * 144];
        noise(two, 0, two.length, 11);
        half(two, 0, D);
        half(two, 144, 2 * D);
        float[] both = new float[512];
        ByteBuffer buf = ByteBuffer.wrap(two);
        Dequantizer.decode(GgmlType.Q4_K, buf, both, 0, 512);
        assertEquals(two.length, buf.position());
        byte[] second = java.util.Arrays.copyOfRange(two, 144, 288);
        float[] alone = decode(GgmlType.Q4_K, second);
        assertArrayEquals(alone, java.util.Arrays.copyOfRange(both, 256, 512));
        // a direct buffer (no backing array) decodes the same
        ByteBuffer direct = ByteBuffer.allocateDirect(two.length).put(two).flip();
        float[] viaDirect = new float[512];
        Dequantizer.decode(GgmlType.Q4_K, direct, viaDirect, 0, 512);
        assertArrayEquals(both, viaDirect);
    }

    // ------------------------------------------------------------------ round trips

    private static float[] gaussian(int n, long seed, float std) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian() * std;
        }
        return v;
    }

    private float[] roundTrip(GgmlType type, float[] v, long rows) throws IOException {
        Path file = dir.resolve(type + ".gguf");
        new GgufWriter().tensor("w", type, List.of(v.length / rows, rows), sink -> {
            for (int i = 0; i < v.length; i += 1000) { // odd pieces: blocks span calls
                sink.accept(v, i, Math.min(1000, v.length - i));
            }
        }).write(file);
        GgufFile header = GgufFile.read(file);
        assertEquals(type, header.tensor("w").orElseThrow().type().orElseThrow());
        try (GgufTensorReader r = GgufTensorReader.open(file, header)) {
            return r.readFloats("w").orElseThrow();
        }
    }

    /**
     * Relative RMS error (error RMS / signal RMS) of each type on Gaussian weights: about 1.2x what these
     * quantizers measured here (Q8_0 0.0053, Q6_K 0.018, Q5_K 0.036, Q5_1 0.038, Q5_0 0.043, Q4_K 0.070,
     * Q4_1 0.077, Q4_0 0.086, Q3_K 0.150, Q2_K 0.298, in line with ggml's published figures for its reference
     * quantizers), so a quantizer that got worse fails.
     */
    private static double rmsBound(GgmlType type) {
        return switch (type) {
            case Q8_0 -> 0.0065;
            case Q6_K -> 0.022;
            case Q5_K -> 0.044;
            case Q5_1 -> 0.046;
            case Q5_0 -> 0.052;
            case Q4_K -> 0.085;
            case Q4_1 -> 0.093;
            case Q4_0 -> 0.104;
            case Q3_K -> 0.18;
            case Q2_K -> 0.36;
            default -> throw new IllegalArgumentException(type.name());
        };
    }

    @ParameterizedTest
    @EnumSource(names = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void quantizeThenDecodeIsWithinTheTypesErrorBound(GgmlType type) throws IOException {
        float[] v = gaussian(256 * 64, type.ordinal(), 0.02f);
        float[] back = roundTrip(type, v, 64);
        double err = 0;
        double sig = 0;
        for (int i = 0; i < v.length; i++) {
            err += (v[i] - back[i]) * (double) (v[i] - back[i]);
            sig += v[i] * (double) v[i];
        }
        double rel = Math.sqrt(err / sig);
        assertTrue(rel < rmsBound(type), type + " relative RMS error " + rel);
        assertTrue(rel > rmsBound(type) / 20, type + " suspiciously exact: " + rel); // it did quantize
    }

    @ParameterizedTest
    @EnumSource(names = {"Q4_0", "Q5_0", "Q8_0"})
    void symmetricTypesAreWithinHalfAStepPerBlock(GgmlType type) throws IOException {
        float[] v = gaussian(32 * 512, 100 + type.ordinal(), 1f);
        float[] back = roundTrip(type, v, 1);
        int levels = type == GgmlType.Q4_0 ? 8 : type == GgmlType.Q5_0 ? 16 : 127;
        for (int b = 0; b < v.length / 32; b++) {
            float amax = 0;
            for (int k = 0; k < 32; k++) {
                amax = Math.max(amax, Math.abs(v[32 * b + k]));
            }
            float step = amax / levels;
            for (int k = 0; k < 32; k++) {
                int i = 32 * b + k;
                // half a step, plus the scale's fp16 rounding (2^-11 relative) times the largest level; Q4_0 and
                // Q5_0 map the largest value to -levels, so values of the other sign beyond (levels - 1/2) steps
                // are clipped to levels - 1 and may be off by up to a whole step, as in ggml
                float allowed = Math.abs(v[i]) > (levels - 0.5f) * step ? step : step * 0.5f;
                assertEquals(v[i], back[i], allowed + amax * 1e-3f, type + " value " + i);
            }
        }
    }

    @Test
    void zerosAndConstantsSurviveEveryType() throws IOException {
        for (GgmlType type : Quantizer.SUPPORTED) {
            float[] back = roundTrip(type, new float[256], 1);
            for (float f : back) {
                assertEquals(0f, f, 0f, type.name()); // -0 allowed: ggml's Q4_0 scale of all zeros is -0
            }
        }
        float[] ones = new float[256];
        java.util.Arrays.fill(ones, 0.5f);
        for (GgmlType type : List.of(GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K)) {
            float[] back = roundTrip(type, ones, 1);
            for (float f : back) {
                assertEquals(0.5f, f, 0.5f * 0.02f, type.name());
            }
        }
    }

    @Test
    void aWrongScaleWouldBeCaught() throws IOException {
        // the round-trip bound is tight enough to see a decoder that reads one scale wrongly
        float[] v = gaussian(256 * 16, 77, 0.02f);
        Path file = dir.resolve("p.gguf");
        new GgufWriter().tensor("w", GgmlType.Q4_K, List.of(256L, 16L), s -> s.accept(v, 0, v.length)).write(file);
        GgufFile header = GgufFile.read(file);
        long at = header.dataOffset() + header.tensor("w").orElseThrow().offset() + 4; // first packed scale byte
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x08)).rewind();
            ch.write(one, at);
        }
        float[] back;
        try (GgufTensorReader r = GgufTensorReader.open(file, header)) {
            back = r.readFloats("w").orElseThrow();
        }
        double worst = 0;
        for (int i = 0; i < 32; i++) { // the sub-block that scale belongs to
            worst = Math.max(worst, Math.abs(v[i] - back[i]));
        }
        assertTrue(worst > 0.02 * 0.5, "a flipped scale bit must show: " + worst);
    }

    // ------------------------------------------------------------------ writer validation and bad input

    @Test
    void kQuantsNeedRowsOfWholeSuperBlocks() {
        GgufWriter w = new GgufWriter();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> w.tensor("w", GgmlType.Q4_K, List.of(64L, 4L), s -> { }));
        assertTrue(e.getMessage().contains("multiple of 256"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> w.tensor("w", GgmlType.IQ4_XS, List.of(256L), s -> { }));
        assertTrue(GgufWriter.encodableTypes().containsAll(Quantizer.SUPPORTED));
    }

    @Test
    void aTruncatedKQuantTensorIsRefused() throws IOException {
        float[] v = gaussian(256 * 8, 5, 0.02f);
        Path file = dir.resolve("t.gguf");
        new GgufWriter().tensor("w", GgmlType.Q6_K, List.of(256L, 8L), s -> s.accept(v, 0, v.length)).write(file);
        GgufFile header = GgufFile.read(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 211); // loses more than a whole block
        }
        try (GgufTensorReader r = GgufTensorReader.open(file, header)) {
            GgufFormatException e = assertThrows(GgufFormatException.class, () -> r.readFloats("w"));
            assertTrue(e.getMessage().contains("tensor w"), e.getMessage());
        }
    }

    @Test
    void anUnknownTypeCodeIsATypedError() throws IOException {
        float[] v = gaussian(256, 6, 0.02f);
        Path file = dir.resolve("u.gguf");
        new GgufWriter().tensor("w", GgmlType.F32, List.of(256L), s -> s.accept(v, 0, v.length)).write(file);
        GgufFile real = GgufFile.read(file);
        for (int code : new int[] {GgmlType.Q8_K.code(), 4, 99}) {
            GgufTensorInfo odd = new GgufTensorInfo("odd", List.of(256L), code, 0);
            GgufFile fake = new GgufFile(real.source(), real.version(), real.metadata(), List.of(odd),
                    real.alignment(), real.dataOffset(), real.fileSize());
            try (GgufTensorReader r = GgufTensorReader.open(file, fake)) {
                UnsupportedTensorTypeException e = assertThrows(UnsupportedTensorTypeException.class,
                        () -> r.readFloats(odd));
                assertEquals("odd", e.tensor());
                assertTrue(e.getMessage().contains("Q4_K"), e.getMessage()); // lists what is supported
            }
        }
    }
}

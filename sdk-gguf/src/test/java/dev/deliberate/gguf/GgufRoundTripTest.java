package dev.deliberate.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufRoundTripTest {

    @TempDir
    Path dir;

    private static final Map<String, GgufValue> ALL_TYPES = Map.ofEntries(
            Map.entry("t.u8", new GgufValue.IntValue(GgufValueType.UINT8, 255)),
            Map.entry("t.i8", new GgufValue.IntValue(GgufValueType.INT8, -128)),
            Map.entry("t.u16", new GgufValue.IntValue(GgufValueType.UINT16, 65535)),
            Map.entry("t.i16", new GgufValue.IntValue(GgufValueType.INT16, -32768)),
            Map.entry("t.u32", GgufValue.uint32(4_294_967_295L)),
            Map.entry("t.i32", GgufValue.int32(Integer.MIN_VALUE)),
            Map.entry("t.u64", GgufValue.uint64(-1L)), // 2^64 - 1
            Map.entry("t.i64", GgufValue.int64(Long.MIN_VALUE)),
            Map.entry("t.f32", GgufValue.float32(3.25f)),
            Map.entry("t.f64", GgufValue.float64(Math.PI)),
            Map.entry("t.bool", GgufValue.bool(true)),
            Map.entry("t.str", GgufValue.string("Grüße, 世界 <｜User｜>")),
            Map.entry("t.empty", GgufValue.string("")),
            Map.entry("t.arr.str", GgufValue.ArrayValue.ofStrings(List.of("a", "", "Ġthe"))),
            Map.entry("t.arr.i32", GgufValue.ArrayValue.ofIntegers(GgufValueType.INT32, 1, -2, 3)),
            Map.entry("t.arr.u8", GgufValue.ArrayValue.ofIntegers(GgufValueType.UINT8, 0, 255)),
            Map.entry("t.arr.f32", GgufValue.ArrayValue.ofFloats(GgufValueType.FLOAT32, 0.5, -1.0)),
            Map.entry("t.arr.f64", GgufValue.ArrayValue.ofFloats(GgufValueType.FLOAT64, Math.E)),
            Map.entry("t.arr.bool", GgufValue.ArrayValue.ofBooleans(true, false, true)),
            Map.entry("t.arr.empty", GgufValue.ArrayValue.ofIntegers(GgufValueType.UINT64)),
            Map.entry("t.arr.nested", GgufValue.ArrayValue.ofArrays(List.of(
                    GgufValue.ArrayValue.ofStrings(List.of("x")),
                    GgufValue.ArrayValue.ofIntegers(GgufValueType.INT16, -1, 1)))));

    @Test
    void everyValueTypeSurvivesWriteAndRead() throws IOException {
        GgufWriter w = new GgufWriter();
        ALL_TYPES.forEach(w::put);
        Path file = dir.resolve("types.gguf");
        long size = w.write(file);

        GgufFile gguf = GgufFile.read(file);
        assertEquals(3, gguf.version());
        assertEquals(size, Files.size(file));
        assertEquals(ALL_TYPES, gguf.metadata());
        assertEquals("18446744073709551615", gguf.get("t.u64").orElseThrow().toString());
        assertEquals(List.of("a", "", "Ġthe"), gguf.getArray("t.arr.str").orElseThrow().strings());
        assertTrue(gguf.tensors().isEmpty());
    }

    /** Bytes assembled by hand from the format description, independent of {@link GgufWriter}. */
    @Test
    void handAssembledHeaderIsReadAsTheFormatSpecifies() throws IOException {
        HeaderBytes h = HeaderBytes.gguf(2, 2, 3)
                .kvU32("general.alignment", 16)
                .str("general.architecture").u32(8).str("llama")
                .str("tokenizer.ggml.scores").u32(9).u32(6).u64(2).u32(Float.floatToIntBits(-1.5f)).u32(0)
                .tensor("blk.0.w", GgmlType.Q4_K.code(), 0, 256, 2)
                .tensor("odd", 77, 288, 5); // a type this version does not know
        int pad = (16 - h.size() % 16) % 16;
        h.zeros(pad).zeros(288).zeros(40);
        Path file = dir.resolve("hand.gguf");
        Files.write(file, h.bytes());

        GgufFile gguf = GgufFile.read(file);
        assertEquals(2, gguf.version());
        assertEquals(16, gguf.alignment());
        assertEquals(h.size() - 288 - 40, gguf.dataOffset());
        assertEquals("llama", gguf.architecture().orElseThrow());
        assertArrayEquals(new double[] {-1.5, 0}, gguf.getArray("tokenizer.ggml.scores").orElseThrow().doubles());
        GgufTensorInfo q = gguf.tensor("blk.0.w").orElseThrow();
        assertEquals(List.of(256L, 2L), q.shape());
        assertEquals(2 * 144, q.byteSize().getAsLong()); // two Q4_K blocks of 256
        GgufTensorInfo odd = gguf.tensor("odd").orElseThrow();
        assertTrue(odd.type().isEmpty());
        assertEquals("type 77", odd.typeName());
        assertEquals(5, odd.elementCount());
        assertEquals(517, GgufSummary.of(gguf).parameterCount());
    }

    @Test
    void metadataKeepsFileOrder() throws IOException {
        GgufWriter w = new GgufWriter();
        List<String> keys = List.of("z", "a", "m", "b");
        keys.forEach(k -> w.put(k, GgufValue.bool(false)));
        Path file = dir.resolve("order.gguf");
        w.write(file);
        assertEquals(keys, List.copyOf(GgufFile.read(file).metadata().keySet()));
    }

    @Test
    void tensorsAreDescribedAlignedAndEncoded() throws IOException {
        float[] q = new float[64];
        for (int i = 0; i < 64; i++) {
            q[i] = (i - 20) / 10f; // block 0 max |x| = 2.0, block 1 max |x| = 4.3
        }
        float[] f = {1f, -2f, 0.5f};
        Path file = dir.resolve("tensors.gguf");
        new GgufWriter()
                .put("general.alignment", GgufValue.uint32(64))
                .tensor("f32", GgmlType.F32, List.of(3L), sink -> sink.accept(f, 0, 3))
                .tensor("f16", GgmlType.F16, List.of(3L, 1L), sink -> sink.accept(f, 0, 3))
                .tensor("q8", GgmlType.Q8_0, List.of(32L, 2L), sink -> { // in two uneven pieces
                    sink.accept(q, 0, 7);
                    sink.accept(q, 7, 57);
                })
                .write(file);

        GgufFile gguf = GgufFile.read(file);
        assertEquals(64, gguf.alignment());
        assertEquals(0, gguf.dataOffset() % 64);
        GgufTensorInfo t32 = gguf.tensor("f32").orElseThrow();
        GgufTensorInfo t16 = gguf.tensor("f16").orElseThrow();
        GgufTensorInfo t8 = gguf.tensor("q8").orElseThrow();
        assertEquals(List.of(3L), t32.shape());
        assertEquals(List.of(32L, 2L), t8.shape());
        assertEquals(GgmlType.Q8_0, t8.type().orElseThrow());
        assertEquals(0, t32.offset());
        assertEquals(64, t16.offset());
        assertEquals(128, t8.offset());
        assertEquals(68, t8.byteSize().getAsLong());
        assertEquals(128 + 68, gguf.fileSize() - gguf.dataOffset() - pad(68, 64));

        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int base = (int) gguf.dataOffset();
        assertEquals(-2f, data.getFloat(base + 4));
        assertEquals((short) 0x3C00, data.getShort(base + 64)); // 1.0 as F16
        assertEquals((short) 0xC000, data.getShort(base + 66)); // -2.0 as F16
        assertEquals((short) 0x3800, data.getShort(base + 68)); // 0.5 as F16
        int q8 = base + 128;
        assertEquals(Float16.fromFloat(2f / 127f), data.getShort(q8));
        assertEquals(-127, data.get(q8 + 2)); // -2.0 is the block's extreme
        assertEquals(0, data.get(q8 + 2 + 20)); // 0.0
        assertEquals(Float16.fromFloat(4.3f / 127f), data.getShort(q8 + 34));
        assertEquals(127, data.get(q8 + 34 + 2 + 31)); // 4.3 is the second block's extreme
    }

    private static long pad(long n, int a) {
        return (a - n % a) % a;
    }

    @Test
    void failedWriteLeavesNoFileAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("broken.gguf");
        GgufWriter w = new GgufWriter().tensor("t", GgmlType.F32, List.of(4L), sink -> {
            throw new UncheckedIOException(new IOException("disk on fire"));
        });
        assertThrows(UncheckedIOException.class, () -> w.write(file));
        assertFalse(Files.exists(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void wrongNumberOfValuesIsRejectedAndTheOldFileSurvives() throws IOException {
        Path file = dir.resolve("model.gguf");
        new GgufWriter().put("k", GgufValue.bool(true)).write(file);
        byte[] before = Files.readAllBytes(file);
        GgufWriter w = new GgufWriter().tensor("t", GgmlType.F32, List.of(4L),
                sink -> sink.accept(new float[3], 0, 3));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.write(file));
        assertTrue(e.getMessage().contains("'t' has 4 elements"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void writerRejectsWhatLlamaCppCouldNotLoad() {
        GgufWriter w = new GgufWriter();
        assertThrows(IllegalArgumentException.class,
                () -> w.tensor("q", GgmlType.Q8_0, List.of(30L), sink -> { }));
        assertThrows(IllegalArgumentException.class,
                () -> w.tensor("x".repeat(64), GgmlType.F32, List.of(1L), sink -> { }));
        assertThrows(IllegalArgumentException.class,
                () -> w.tensor("k", GgmlType.Q4_K, List.of(64L), sink -> { })); // rows of whole super-blocks
        assertThrows(IllegalArgumentException.class,
                () -> w.tensor("iq", GgmlType.IQ4_XS, List.of(256L), sink -> { })); // no encoder
        assertThrows(IllegalArgumentException.class,
                () -> w.put("general.alignment", GgufValue.uint32(24)));
        w.put("a", GgufValue.bool(true));
        assertThrows(IllegalArgumentException.class, () -> w.put("a", GgufValue.bool(false)));
    }

    @Test
    void valueFactoriesRejectOutOfRangeNumbers() {
        assertThrows(IllegalArgumentException.class, () -> new GgufValue.IntValue(GgufValueType.UINT8, 256));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.uint32(-1));
        assertThrows(IllegalArgumentException.class, () -> new GgufValue.FloatValue(GgufValueType.FLOAT32, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new GgufValue.IntValue(GgufValueType.STRING, 1));
    }
}

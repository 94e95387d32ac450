package dev.deliberate.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufTensorReaderTest {

    @TempDir
    Path dir;

    private static float[] values(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian() * 0.5f;
        }
        return v;
    }

    private Path write(GgmlType type, float[] v, List<Long> shape) throws IOException {
        Path file = dir.resolve(type + ".gguf");
        new GgufWriter().tensor("w", type, shape, sink -> sink.accept(v, 0, v.length)).write(file);
        return file;
    }

    private static float[] read(Path file) throws IOException {
        GgufFile header = GgufFile.read(file);
        try (GgufTensorReader r = GgufTensorReader.open(file, header)) {
            return r.readFloats("w").orElseThrow();
        }
    }

    @Test
    void f32ComesBackExactly() throws IOException {
        float[] v = values(64 * 300 + 7, 1); // more than one read chunk, odd length
        assertArrayEquals(v, read(write(GgmlType.F32, v, List.of((long) v.length))));
    }

    @Test
    void f16ComesBackAsTheNearestHalf() throws IOException {
        float[] v = values(4096, 2);
        float[] back = read(write(GgmlType.F16, v, List.of(64L, 64L)));
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float16.toFloat(Float16.fromFloat(v[i])), back[i], 0f, "value " + i);
        }
    }

    @Test
    void q8_0IsWithinHalfAStepOfEachBlocksScale() throws IOException {
        float[] v = values(32 * 9000, 3); // spans several read chunks
        float[] back = read(write(GgmlType.Q8_0, v, List.of(32L * 9000)));
        for (int b = 0; b < v.length / 32; b++) {
            float amax = 0;
            for (int k = 0; k < 32; k++) {
                amax = Math.max(amax, Math.abs(v[b * 32 + k]));
            }
            float step = amax / 127f;
            for (int k = 0; k < 32; k++) {
                int i = b * 32 + k;
                assertEquals(v[i], back[i], step * 0.5f + amax * 1e-3f, "value " + i);
            }
        }
    }

    @Test
    void aTruncatedFileIsRefusedNamingTheTensor() throws IOException {
        float[] v = values(1024, 4);
        Path file = write(GgmlType.F32, v, List.of(1024L));
        GgufFile header = GgufFile.read(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        try (GgufTensorReader r = GgufTensorReader.open(file, header)) {
            GgufFormatException e = assertThrows(GgufFormatException.class, () -> r.readFloats("w"));
            assertTrue(e.getMessage().contains("tensor w"), e.getMessage());
        }
    }

    @Test
    void anUndecodableTypeIsNamed() throws IOException {
        Path file = write(GgmlType.F32, values(256, 5), List.of(256L));
        GgufFile real = GgufFile.read(file);
        GgufTensorInfo iq = new GgufTensorInfo("iq", List.of(256L), GgmlType.IQ2_XS.code(), 0);
        GgufFile fake = new GgufFile(real.source(), real.version(), real.metadata(), List.of(iq), real.alignment(),
                real.dataOffset(), real.fileSize());
        try (GgufTensorReader r = GgufTensorReader.open(file, fake)) {
            UnsupportedTensorTypeException e = assertThrows(UnsupportedTensorTypeException.class,
                    () -> r.readFloats(iq));
            assertTrue(e.getMessage().contains("IQ2_XS"), e.getMessage());
        }
    }

    @Test
    void aMissingTensorIsEmpty() throws IOException {
        Path file = write(GgmlType.F32, values(32, 6), List.of(32L));
        try (GgufTensorReader r = GgufTensorReader.open(file, GgufFile.read(file))) {
            assertTrue(r.readFloats("nope").isEmpty());
        }
    }
}

package dev.deliberate.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever bytes arrive, the reader either returns a header or throws {@link GgufFormatException}: no other
 * exception, no hang, no large allocation (the default heap of a surefire fork would not survive one).
 */
class GgufFuzzTest {

    private static byte[] valid;

    @BeforeContainer
    static void writeValidFile() throws IOException {
        Path dir = Files.createTempDirectory("gguf-fuzz");
        Path file = dir.resolve("valid.gguf");
        try {
            float[] values = new float[64];
            Arrays.fill(values, 0.25f);
            new GgufWriter()
                    .put("general.architecture", GgufValue.string("qwen2"))
                    .put("general.alignment", GgufValue.uint32(32))
                    .put("qwen2.context_length", GgufValue.uint32(2048))
                    .put("tokenizer.ggml.tokens", GgufValue.ArrayValue.ofStrings(List.of("a", "b", "<think>")))
                    .put("tokenizer.ggml.token_type", GgufValue.ArrayValue.ofIntegers(GgufValueType.INT32, 1, 1, 4))
                    .put("nested", GgufValue.ArrayValue.ofArrays(List.of(
                            GgufValue.ArrayValue.ofBooleans(true, false))))
                    .put("f64", GgufValue.float64(1.5))
                    .tensor("a", GgmlType.F32, List.of(4L, 2L), sink -> sink.accept(values, 0, 8))
                    .tensor("b", GgmlType.Q8_0, List.of(32L, 2L), sink -> sink.accept(values, 0, 64))
                    .write(file);
            valid = Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    @AfterContainer
    static void forget() {
        valid = null;
    }

    /** Reads, accepting success or the typed error and nothing else. */
    private static void readsOrFailsTyped(byte[] bytes) {
        try {
            GgufFile.read(new BytesChannel(bytes), "fuzz", GgufLimits.defaults());
        } catch (GgufFormatException expected) {
            if (expected.offset() < 0 || expected.offset() > bytes.length) {
                throw new AssertionError("offset " + expected.offset() + " outside 0.." + bytes.length);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Property(tries = 500)
    void truncatedValidFilesReadOrFailTyped(@ForAll("cuts") int length) {
        readsOrFailsTyped(Arrays.copyOf(valid, Math.min(length, valid.length)));
    }

    @Property(tries = 1000)
    void mutatedValidFilesReadOrFailTyped(@ForAll("mutations") List<int[]> mutations) {
        byte[] bytes = valid.clone();
        for (int[] m : mutations) {
            bytes[m[0] % bytes.length] = (byte) m[1];
        }
        readsOrFailsTyped(bytes);
    }

    @Property(tries = 1000)
    void mutatedLengthFieldsReadOrFailTyped(@ForAll("positions") int position, @ForAll long value) {
        byte[] bytes = valid.clone();
        int at = position % (bytes.length - 8);
        for (int i = 0; i < 8; i++) {
            bytes[at + i] = (byte) (value >>> (8 * i));
        }
        readsOrFailsTyped(bytes);
    }

    @Property(tries = 1000)
    void randomBytesAfterTheMagicReadOrFailTyped(@ForAll("noise") byte[] noise) {
        byte[] bytes = new byte[noise.length + 8];
        bytes[0] = 'G';
        bytes[1] = 'G';
        bytes[2] = 'U';
        bytes[3] = 'F';
        bytes[4] = 3;
        System.arraycopy(noise, 0, bytes, 8, noise.length);
        readsOrFailsTyped(bytes);
    }

    @Property(tries = 300)
    void randomBytesReadOrFailTyped(@ForAll("noise") byte[] noise) {
        readsOrFailsTyped(noise);
    }

    @Provide
    Arbitrary<Integer> cuts() {
        return Arbitraries.integers().between(0, 4096);
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, 1 << 20);
    }

    @Provide
    Arbitrary<List<int[]>> mutations() {
        Arbitrary<int[]> one = Arbitraries.integers().between(0, 1 << 20)
                .flatMap(p -> Arbitraries.integers().between(0, 255).map(v -> new int[] {p, v}));
        return one.list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<byte[]> noise() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    }
}

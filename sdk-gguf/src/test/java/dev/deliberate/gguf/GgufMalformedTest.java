package dev.deliberate.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a header can lie, and the typed error each lie gets. */
class GgufMalformedTest {

    @TempDir
    Path dir;

    private GgufFormatException failsReading(byte[] bytes) throws IOException {
        Path file = dir.resolve("bad.gguf");
        Files.write(file, bytes);
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.read(file));
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("at byte offset " + e.offset()), e.getMessage());
        assertEquals(file.toString(), e.source());
        return e;
    }

    private static void assertMentions(GgufFormatException e, String text) {
        assertTrue(e.getMessage().contains(text), () -> "expected '" + text + "' in: " + e.getMessage());
    }

    @Test
    void emptyFileIsNotGguf() throws IOException {
        assertMentions(failsReading(new byte[0]), "not a GGUF file: it has only 0 bytes");
    }

    @Test
    void fiveByteFileFailsAtTheVersion() throws IOException {
        GgufFormatException e = failsReading(new byte[] {'G', 'G', 'U', 'F', 3});
        assertEquals(4, e.offset());
        assertMentions(e, "truncated");
    }

    @Test
    void otherFormatsAreNotGguf() throws IOException {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0};
        GgufFormatException e = failsReading(png);
        assertEquals(0, e.offset());
        assertMentions(e, "not a GGUF file: it starts with 89 50 4e 47");
    }

    @Test
    void versionOneAndBigEndianAndFutureVersionsAreRefused() throws IOException {
        assertMentions(failsReading(HeaderBytes.gguf(1, 0, 0).bytes()), "version 1");
        assertMentions(failsReading(HeaderBytes.gguf(0x0300_0000, 0, 0).bytes()), "big-endian");
        assertMentions(failsReading(HeaderBytes.gguf(4, 0, 0).bytes()), "unsupported GGUF version 4");
    }

    @Test
    void absurdTensorCountFailsBeforeAllocating() throws IOException {
        GgufFormatException e = failsReading(HeaderBytes.gguf(3, 1L << 62, 0).bytes());
        assertEquals(8, e.offset());
        assertMentions(e, "claims 4611686018427387904 tensors");
    }

    @Test
    void tensorCountTheFileCannotHoldFails() throws IOException {
        GgufFormatException e = failsReading(HeaderBytes.gguf(3, 1000, 0).zeros(100).bytes());
        assertEquals(8, e.offset());
        assertMentions(e, "only 100 remain");
    }

    @Test
    void absurdMetadataCountFails() throws IOException {
        GgufFormatException e = failsReading(HeaderBytes.gguf(3, 0, -1L).bytes());
        assertEquals(16, e.offset());
        assertMentions(e, "18446744073709551615 metadata entries");
    }

    @Test
    void terabyteStringFailsWithoutAllocatingIt() throws IOException {
        byte[] bytes = HeaderBytes.gguf(3, 0, 1).u64(1L << 40).zeros(20).bytes();
        GgufFormatException e = failsReading(bytes);
        assertEquals(24, e.offset());
        assertMentions(e, "metadata key has length 1099511627776");
    }

    @Test
    void stringLongerThanTheRestOfTheFileFails() throws IOException {
        byte[] bytes = HeaderBytes.gguf(3, 0, 1).str("general.name").u32(8).u64(500).zeros(10).bytes();
        GgufFormatException e = failsReading(bytes);
        assertEquals(24 + 8 + 12 + 4, e.offset());
        assertMentions(e, "value of 'general.name' has length 500, but only 10 bytes remain");
    }

    @Test
    void hugeArrayCountFails() throws IOException {
        byte[] bytes = HeaderBytes.gguf(3, 0, 1).str("tokenizer.ggml.tokens").u32(9).u32(8).u64(1L << 50)
                .zeros(64).bytes();
        assertMentions(failsReading(bytes), "element count of array 'tokenizer.ggml.tokens' is 1125899906842624");
    }

    @Test
    void arrayCountTheFileCannotHoldFails() throws IOException {
        byte[] bytes = HeaderBytes.gguf(3, 0, 1).str("scores").u32(9).u32(6).u64(1000).zeros(100).bytes();
        assertMentions(failsReading(bytes), "is 1000, but only 100 bytes remain");
    }

    @Test
    void deeplyNestedArraysFail() throws IOException {
        HeaderBytes h = HeaderBytes.gguf(3, 0, 1).str("deep").u32(9);
        for (int i = 0; i < 10; i++) {
            h.u32(9).u64(1);
        }
        assertMentions(failsReading(h.zeros(32).bytes()), "arrays nested more than 3 deep");
    }

    @Test
    void unknownValueTypeFails() throws IOException {
        GgufFormatException e = failsReading(HeaderBytes.gguf(3, 0, 1).str("k").u32(13).zeros(8).bytes());
        assertEquals(24 + 9, e.offset());
        assertMentions(e, "unknown GGUF value type 13");
    }

    @Test
    void booleanOtherThanZeroOrOneFails() throws IOException {
        assertMentions(failsReading(HeaderBytes.gguf(3, 0, 1).str("b").u32(7).u8(2).bytes()), "byte value 2");
    }

    @Test
    void duplicateKeyFails() throws IOException {
        byte[] bytes = HeaderBytes.gguf(3, 0, 2).kvU32("a", 1).kvU32("a", 2).bytes();
        assertMentions(failsReading(bytes), "duplicate metadata key 'a'");
    }

    @Test
    void alignmentMustBeAPowerOfTwo() throws IOException {
        assertMentions(failsReading(HeaderBytes.gguf(3, 0, 1).kvU32("general.alignment", 24).bytes()),
                "power of two");
        byte[] wrongType = HeaderBytes.gguf(3, 0, 1).str("general.alignment").u32(GgufValueType.UINT8.code())
                .u8(32).bytes();
        assertMentions(failsReading(wrongType), "must be a UINT32");
    }

    @Test
    void tensorWithFiveDimensionsFails() throws IOException {
        byte[] bytes = HeaderBytes.gguf(3, 1, 0).tensor("t", 0, 0, 1, 1, 1, 1, 1).zeros(64).bytes();
        assertMentions(failsReading(bytes), "5 dimensions");
    }

    @Test
    void tensorElementCountOverflowFails() throws IOException {
        byte[] bytes = HeaderBytes.gguf(3, 1, 0).tensor("t", 0, 0, 1L << 40, 1L << 40).zeros(64).bytes();
        assertMentions(failsReading(bytes), "more than 2^63 elements");
    }

    @Test
    void quantizedRowsMustBeWholeBlocks() throws IOException {
        byte[] bytes = HeaderBytes.gguf(3, 1, 0).tensor("t", GgmlType.Q8_0.code(), 0, 30).zeros(64).bytes();
        assertMentions(failsReading(bytes), "not a multiple of the block size 32");
    }

    @Test
    void misalignedTensorOffsetFails() throws IOException {
        byte[] bytes = HeaderBytes.gguf(3, 1, 0).tensor("t", 0, 4, 1).zeros(64).bytes();
        assertMentions(failsReading(bytes), "not a multiple of the alignment 32");
    }

    @Test
    void overlongTensorNameFails() throws IOException {
        byte[] bytes = HeaderBytes.gguf(3, 1, 0).tensor("n".repeat(64), 0, 0, 1).zeros(64).bytes();
        assertMentions(failsReading(bytes), "tensor name has length 64, more than the limit of 63");
    }

    @Test
    void duplicateTensorNameFails() throws IOException {
        byte[] bytes = HeaderBytes.gguf(3, 2, 0).tensor("t", 0, 0, 1).tensor("t", 0, 32, 1).zeros(96).bytes();
        assertMentions(failsReading(bytes), "duplicate tensor name 't'");
    }

    @Test
    void tensorDataBeyondTheEndOfTheFileMeansTruncation() throws IOException {
        HeaderBytes h = HeaderBytes.gguf(3, 1, 0).tensor("t", 0, 0, 100);
        int headerEnd = h.size();
        h.zeros(32 - headerEnd % 32).zeros(399); // data section one byte short of 400
        GgufFormatException e = failsReading(h.bytes());
        assertEquals(24, e.offset()); // the description of the tensor
        assertMentions(e, "tensor 't' data");
        assertMentions(e, "the file is truncated");
    }

    @Test
    void everyTruncationOfARealHeaderFailsWithAnOffsetInsideTheFile() throws IOException {
        Path good = dir.resolve("good.gguf");
        new GgufWriter()
                .put("general.architecture", GgufValue.string("qwen2"))
                .put("tokenizer.ggml.tokens", GgufValue.ArrayValue.ofStrings(List.of("a", "b", "c")))
                .put("scores", GgufValue.ArrayValue.ofFloats(GgufValueType.FLOAT32, 1, 2, 3))
                .tensor("w", GgmlType.Q8_0, List.of(32L, 2L), sink -> sink.accept(new float[64], 0, 64))
                .write(good);
        byte[] whole = Files.readAllBytes(good);
        GgufFile complete = GgufFile.read(good);
        long dataEnd = complete.dataOffset() + 68; // the padding after the last tensor is not needed
        for (int n = (int) dataEnd; n <= whole.length; n++) {
            byte[] enough = Arrays.copyOf(whole, n);
            assertEquals(complete.metadata(), GgufFile.read(new BytesChannel(enough), "ok", GgufLimits.defaults())
                    .metadata());
        }
        for (int n = 0; n < dataEnd; n++) {
            byte[] cut = Arrays.copyOf(whole, n);
            GgufFormatException e = assertThrows(GgufFormatException.class,
                    () -> GgufFile.read(new BytesChannel(cut), "cut", GgufLimits.defaults()), "cut at " + n);
            assertTrue(e.offset() >= 0 && e.offset() <= n, "offset " + e.offset() + " for cut at " + n);
        }
    }

    @Test
    void limitsAreEnforcedBelowTheFileSize() throws IOException {
        byte[] bytes = HeaderBytes.gguf(3, 0, 1).str("k").u32(8).str("x".repeat(100)).bytes();
        GgufLimits tight = new GgufLimits(10, 10, 50, 10, 1);
        GgufFormatException e = assertThrows(GgufFormatException.class,
                () -> GgufFile.read(new BytesChannel(bytes), "mem", tight));
        assertMentions(e, "more than the limit of 50 bytes");
    }
}

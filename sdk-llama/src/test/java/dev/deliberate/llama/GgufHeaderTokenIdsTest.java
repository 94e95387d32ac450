package dev.deliberate.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Ids of merged pieces from the vocabulary's token bytes (no native code: the header is read in Java). */
class GgufHeaderTokenIdsTest {

    private static final GgufHeader TINY = GgufHeader.read(TestModels.tiny());

    @Test
    void characterSplitOverByteTokensGetsTheByteTokens() {
        // the tiny vocabulary is 256 byte tokens (id = byte) plus merges of an ASCII corpus: "é" is C3 A9
        assertArrayEquals(new int[] {0xC3, 0xA9}, TINY.tokenIdsOf("é").orElseThrow());
        assertArrayEquals(new int[] {0xF0, 0x9F, 0x98, 0x80}, TINY.tokenIdsOf("😀").orElseThrow());
    }

    @Test
    void fewestTokensWinAndAsciiMergesAreUsed() {
        int[] ids = TINY.tokenIdsOf(" the é").orElseThrow();
        assertTrue(ids.length < " the é".getBytes(java.nio.charset.StandardCharsets.UTF_8).length, "merges used");
        assertEquals(0xA9, ids[ids.length - 1]);
    }

    @Test
    void nothingForEmptyOrOverlongText() {
        assertEquals(Optional.empty(), TINY.tokenIdsOf(""));
        assertEquals(Optional.empty(), TINY.tokenIdsOf("x".repeat(300)));
    }
}

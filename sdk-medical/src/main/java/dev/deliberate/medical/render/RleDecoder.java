package dev.deliberate.medical.render;

/**
 * RLE Lossless (PS3.5 Annex G): a 64-byte header (segment count and up to 15 segment offsets), then one PackBits
 * segment per byte plane, most significant byte first, sample by sample. Every offset and run is checked against
 * the data and the expected plane size, so malformed input fails instead of overrunning.
 */
final class RleDecoder {
    private RleDecoder() {}

    /**
     * Decodes one frame into {@code bytesPerSample}-wide little-endian sample values, interleaved per pixel.
     *
     * @return samples as unsigned ints (before masking and sign extension)
     */
    static int[] decode(byte[] frame, int pixels, int samples, int bytesPerSample) {
        if (frame.length < 64) {
            throw new RenderException("RLE frame of " + frame.length + " bytes is shorter than its 64-byte header");
        }
        long segments = u32(frame, 0);
        int expected = samples * bytesPerSample;
        if (segments != expected) {
            throw new RenderException("RLE header names " + segments + " segments; " + expected + " expected ("
                    + samples + " samples of " + bytesPerSample + " bytes)");
        }
        int[] out = new int[pixels * samples];
        byte[] plane = new byte[pixels];
        for (int seg = 0; seg < expected; seg++) {
            long start = u32(frame, 4 + 4 * seg);
            long end = seg + 1 < expected ? u32(frame, 8 + 4 * seg) : frame.length;
            if (start < 64 || start > end || end > frame.length) {
                throw new RenderException("RLE segment " + seg + " offsets " + start + ".." + end
                        + " fall outside the frame of " + frame.length + " bytes");
            }
            unpack(frame, (int) start, (int) end, plane, seg);
            int sample = seg / bytesPerSample;
            int shift = 8 * (bytesPerSample - 1 - seg % bytesPerSample);
            for (int p = 0; p < pixels; p++) {
                out[p * samples + sample] |= (plane[p] & 0xFF) << shift;
            }
        }
        return out;
    }

    private static void unpack(byte[] in, int pos, int end, byte[] plane, int seg) {
        int o = 0;
        while (pos < end && o < plane.length) {
            int n = in[pos++];
            if (n >= 0) {
                int len = n + 1;
                if (pos + len > end || o + len > plane.length) {
                    throw new RenderException("RLE segment " + seg + ": literal run overruns its data or plane");
                }
                System.arraycopy(in, pos, plane, o, len);
                pos += len;
                o += len;
            } else if (n != -128) {
                int len = 1 - n;
                if (pos >= end || o + len > plane.length) {
                    throw new RenderException("RLE segment " + seg + ": replicate run overruns its data or plane");
                }
                java.util.Arrays.fill(plane, o, o + len, in[pos++]);
                o += len;
            }
        }
        if (o != plane.length) {
            throw new RenderException("RLE segment " + seg + " decodes to " + o + " bytes; " + plane.length
                    + " expected");
        }
    }

    private static long u32(byte[] b, int o) {
        return (b[o] & 0xFFL) | (b[o + 1] & 0xFFL) << 8 | (b[o + 2] & 0xFFL) << 16 | (b[o + 3] & 0xFFL) << 24;
    }
}

package dev.deliberate.medical.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartReaderTest {
    private static final String B = "b2b2e43e-6966-4fdc";

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Reads every part's body with reads of {@code chunk} bytes at most. */
    private static List<byte[]> bodies(byte[] body, DicomWebLimits limits, int chunk) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (MultipartReader r = new MultipartReader(new ByteArrayInputStream(body), B, limits)) {
            Optional<MultipartReader.Part> p;
            while ((p = r.next()).isPresent()) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                byte[] buf = new byte[chunk];
                int n;
                while ((n = p.get().body().read(buf, 0, chunk)) >= 0) {
                    b.write(buf, 0, n);
                }
                out.add(b.toByteArray());
            }
        }
        return out;
    }

    private static List<byte[]> bodies(byte[] body) throws IOException {
        return bodies(body, DicomWebLimits.defaults(), 8192);
    }

    private static MultipartException fails(byte[] body, DicomWebLimits limits) {
        return assertThrows(MultipartException.class, () -> bodies(body, limits, 8192));
    }

    @Test
    void readsPartsWithPreambleEpilogueAndTheirHeaders() throws IOException {
        byte[] body = ascii("This is the preamble.\r\n--" + B + "\r\nContent-Type: application/dicom\r\n"
                + "Content-Location: http://x/1\r\n\r\nfirst\r\n--" + B + "  \t\r\nContent-Type: application/dicom;\r\n"
                + " transfer-syntax=1.2.840.10008.1.2.1\r\n\r\nsecond\r\r\n--" + B + "--\r\nepilogue --" + B);
        try (MultipartReader r = new MultipartReader(new ByteArrayInputStream(body), B, DicomWebLimits.defaults())) {
            MultipartReader.Part one = r.next().orElseThrow();
            assertEquals(1, one.index());
            assertEquals(Optional.of("http://x/1"), one.header("Content-Location"));
            assertArrayEquals(ascii("first"), one.body().readAllBytes());
            MultipartReader.Part two = r.next().orElseThrow();
            assertEquals(Optional.of("application/dicom; transfer-syntax=1.2.840.10008.1.2.1"), two.contentType());
            // the CR before the delimiter's CRLF belongs to the part
            assertArrayEquals(ascii("second\r"), two.body().readAllBytes());
            assertTrue(r.next().isEmpty());
            assertTrue(r.next().isEmpty());
        }
    }

    @Test
    void readsBareLfBodiesWithoutCuttingACarriageReturnOff() throws IOException {
        byte[] body = ascii("--" + B + "\nContent-Type: application/dicom\n\nab\r\n--" + B + "\n\n\r\n--" + B + "--");
        List<byte[]> parts = bodies(body);
        assertEquals(2, parts.size());
        assertArrayEquals(ascii("ab\r"), parts.get(0));
        assertArrayEquals(ascii("\r"), parts.get(1));
    }

    @Test
    void closeDelimiterOnlyMeansNoParts() throws IOException {
        assertEquals(0, bodies(ascii("--" + B + "--")).size());
        assertEquals(0, bodies(ascii("preamble\r\n--" + B + "--\r\n")).size());
    }

    @Test
    void binaryBodiesSurviveEveryReadSizeAndBufferEdge() throws IOException {
        Random random = new Random(42);
        byte[] a = new byte[1_000_003];
        random.nextBytes(a);
        // near-delimiters inside the body must stay in it
        byte[] trap = ascii("\r\n--" + B.substring(0, B.length() - 1) + "X\r\n-" + B + "\n--" + B);
        System.arraycopy(trap, 0, a, 65_530, trap.length);
        byte[] b = new byte[65_536 - 30];
        random.nextBytes(b);
        byte[] body = concat(ascii("--" + B + "\r\n\r\n"), a, ascii("\r\n--" + B + "\r\n\r\n"), b,
                ascii("\r\n--" + B + "--\r\n"));
        for (int chunk : new int[] {1, 7, 4096, 65_536, 1 << 20}) {
            List<byte[]> parts = bodies(body, DicomWebLimits.defaults(), chunk);
            assertEquals(2, parts.size(), "chunk " + chunk);
            assertArrayEquals(a, parts.get(0), "chunk " + chunk);
            assertArrayEquals(b, parts.get(1), "chunk " + chunk);
        }
    }

    @Test
    void aPartNotReadIsSkipped() throws IOException {
        byte[] body = ascii("--" + B + "\r\n\r\nskip me\r\n--" + B + "\r\n\r\nkeep\r\n--" + B + "--\r\n");
        try (MultipartReader r = new MultipartReader(new ByteArrayInputStream(body), B, DicomWebLimits.defaults())) {
            r.next().orElseThrow();
            assertArrayEquals(ascii("keep"), r.next().orElseThrow().body().readAllBytes());
            assertTrue(r.next().isEmpty());
        }
    }

    @Test
    void boundaryComesFromTheContentType() {
        assertEquals(B, MultipartReader.boundaryOf("multipart/related; type=\"application/dicom\"; boundary=" + B));
        assertEquals("a b:c", MultipartReader.boundaryOf("Multipart/Related; boundary=\"a b:c\"; type=x"));
        assertThrows(MultipartException.class, () -> MultipartReader.boundaryOf("multipart/related; boundary=\"a;b\""));
        assertEquals(Optional.of("application/dicom"),
                MultipartReader.parameter("multipart/related; type=\"application/dicom\"; boundary=x", "type"));
        assertEquals("multipart body: content type 'application/dicom+json' is not multipart (byte offset 0)",
                assertThrows(MultipartException.class, () -> MultipartReader.boundaryOf("application/dicom+json"))
                        .getMessage());
        assertEquals("multipart body: content type 'multipart/related; type=\"application/dicom\"' has no boundary "
                        + "parameter (byte offset 0)",
                assertThrows(MultipartException.class,
                        () -> MultipartReader.boundaryOf("multipart/related; type=\"application/dicom\"")).getMessage());
        assertThrows(MultipartException.class, () -> MultipartReader.boundaryOf("multipart/related; boundary="));
        assertThrows(MultipartException.class, () -> MultipartReader.boundaryOf("multipart/related; boundary=a{b"));
        assertThrows(MultipartException.class,
                () -> MultipartReader.boundaryOf("multipart/related; boundary=" + "x".repeat(71)));
        assertThrows(MultipartException.class, () -> MultipartReader.boundaryOf("multipart/related; boundary=\"ab \""));
    }

    @Test
    void noBoundaryInTheBodyIsATypedBoundedError() {
        assertEquals("multipart body: empty body: no boundary (byte offset 0)",
                fails(new byte[0], DicomWebLimits.defaults()).getMessage());
        assertEquals("multipart body: no boundary '" + B + "' in the body (byte offset 14)",
                fails(ascii("just some text"), DicomWebLimits.defaults()).getMessage());
        MultipartException e = fails(ascii("--other\r\n\r\nx\r\n--other--\r\n"), DicomWebLimits.defaults());
        assertTrue(e.getMessage().contains("no boundary '" + B + "'"), e.getMessage());
    }

    @Test
    void anEndlessStreamWithoutBoundaryFailsAfterTheHeaderBound() {
        CountingEndless endless = new CountingEndless((byte) 'x');
        MultipartException e = assertThrows(MultipartException.class,
                () -> new MultipartReader(endless, B, DicomWebLimits.defaults()).next());
        assertEquals("multipart body: no boundary within the first 16384 bytes (byte offset 16384)", e.getMessage());
        assertTrue(endless.count < 200_000, "read " + endless.count);
    }

    @Test
    void truncatedPartIsATypedError() {
        MultipartException e = fails(ascii("--" + B + "\r\nContent-Type: application/dicom\r\n\r\nDICM half an instance"),
                DicomWebLimits.defaults());
        assertEquals("multipart body: truncated part: the body ended after 21 bytes of the part, before a boundary "
                + "(part 1, byte offset 78)", e.getMessage());
        assertEquals(1, e.part());
        e = fails(ascii("--" + B + "\r\nContent-Type: appl"), DicomWebLimits.defaults());
        assertTrue(e.getMessage().startsWith("multipart body: truncated part: the body ended inside the part's "
                + "headers"), e.getMessage());
    }

    @Test
    void missingFinalBoundaryIsATypedError() {
        MultipartException e = fails(ascii("--" + B + "\r\n\r\nwhole\r\n--" + B), DicomWebLimits.defaults());
        assertEquals("multipart body: missing final boundary: the body ended after a boundary without '--' "
                + "(part 1, byte offset 51)", e.getMessage());
        // a body that ends after a delimiter line, with no next part and no close delimiter
        e = fails(ascii("--" + B + "\r\n\r\nwhole\r\n--" + B + "\r\n"), DicomWebLimits.defaults());
        assertTrue(e.getMessage().contains("truncated part"), e.getMessage());
    }

    @Test
    void hugePartHeaderIsRejectedAtTheBound() {
        CountingEndless endless = new CountingEndless((byte) 'h', ascii("--" + B + "\r\nX-Huge: "));
        MultipartException e = assertThrows(MultipartException.class,
                () -> new MultipartReader(endless, B, DicomWebLimits.defaults()).next());
        assertTrue(e.getMessage().startsWith("multipart body: part header block longer than 16384 bytes (part 1"),
                e.getMessage());
        assertTrue(endless.count < 200_000, "read " + endless.count);
        // many small header lines add up to the same bound
        StringBuilder many = new StringBuilder("--" + B + "\r\n");
        for (int i = 0; i < 2000; i++) {
            many.append("X-").append(i).append(": v\r\n");
        }
        assertTrue(fails(ascii(many.toString()), DicomWebLimits.defaults()).getMessage()
                .contains("part header block longer than 16384 bytes"));
    }

    @Test
    void partLargerThanTheLimitIsRejectedWhileStreaming() {
        CountingEndless endless = new CountingEndless((byte) 0, ascii("--" + B + "\r\n\r\n"));
        DicomWebLimits small = DicomWebLimits.defaults().withMaxPartSize(1_000_000);
        MultipartException e = assertThrows(MultipartException.class, () -> {
            try (MultipartReader r = new MultipartReader(endless, B, small)) {
                r.next().orElseThrow().body().transferTo(OutputStreamSink.INSTANCE);
            }
        });
        assertTrue(e.getMessage().startsWith("multipart body: part larger than 1000000 bytes (part 1"), e.getMessage());
        assertTrue(endless.count < 1_200_000, "read " + endless.count);
    }

    @Test
    void tooManyPartsIsRejected() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            s.append("--").append(B).append("\r\n\r\nx\r\n");
        }
        s.append("--").append(B).append("--\r\n");
        MultipartException e = fails(ascii(s.toString()), DicomWebLimits.defaults().withMaxParts(3));
        assertTrue(e.getMessage().startsWith("multipart body: more than 3 parts (part 4"), e.getMessage());
    }

    @Test
    void malformedLinesAreTypedErrors() {
        assertTrue(fails(ascii("--" + B + "\r\nno colon here\r\n\r\nx\r\n--" + B + "--"), DicomWebLimits.defaults())
                .getMessage().contains("part header line without a name and ':'"));
        assertTrue(fails(ascii("--" + B + "\r\n\r\nx\r\n--" + B + "junk\r\n\r\ny\r\n--" + B + "--"),
                DicomWebLimits.defaults()).getMessage().contains("text after a boundary"));
    }

    /** An endless stream of one byte after an optional prefix, counting what was read. */
    private static final class CountingEndless extends InputStream {
        private final byte fill;
        private final byte[] prefix;
        long count;

        CountingEndless(byte fill, byte[] prefix) {
            this.fill = fill;
            this.prefix = prefix;
        }

        CountingEndless(byte fill) {
            this(fill, new byte[0]);
        }

        @Override
        public int read() {
            return count < prefix.length ? prefix[(int) count++] & 0xFF : (count++ >= 0 ? fill & 0xFF : 0);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) {
                b[off + i] = (byte) read();
            }
            return len;
        }
    }

    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
            // discard
        }

        @Override
        public void write(byte[] b, int off, int len) {
            // discard
        }
    }
}

package dev.deliberate.medical.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a {@code multipart/related} (or any RFC 2046 multipart) body from a stream, one part at a time: each part's
 * body is itself a stream that ends at the next boundary, so no part needs to fit in memory.
 *
 * <p>Boundary handling follows RFC 2046 section 5.1.1: a preamble before the first delimiter is skipped (the first
 * delimiter may also open the body with no line break before it); a delimiter is a line break, {@code --} and the
 * boundary; transport padding (spaces, tabs) after a delimiter is ignored; the close delimiter ends with {@code --},
 * with or without a line break after it, and the epilogue is not read. Servers that write bare LF line breaks instead
 * of CRLF are read too: the line break that ends the first delimiter line decides which one the delimiters of this
 * body use, so a part's own trailing CR is never cut off from a CRLF body and never from an LF one. Part header lines
 * may end in CRLF or LF and may be folded.
 *
 * <p>Every read is bounded by {@link DicomWebLimits}: preamble and each part's header block by
 * {@code maxPartHeaderBytes}, each part's body by {@code maxPartSize}, the number of parts by {@code maxParts}. Bad
 * input fails with a {@link MultipartException}. Not thread-safe; the part bodies must be read in order (a part not
 * read to its end is skipped by the next {@link #next()}).
 */
public final class MultipartReader implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;
    private static final int MAX_DELIMITER_LINE = 1024;

    private final InputStream in;
    private final DicomWebLimits limits;
    private final byte[] dashBoundary; // "--" + boundary
    private byte[] delimiter; // line break + "--" + boundary, known once the first delimiter line was read
    private final byte[] buf;
    private int pos;
    private int lim;
    private boolean eof;
    private long consumed; // bytes before buf[0]

    private int parts;
    private boolean started;
    private boolean finished;
    private PartBody current;

    /**
     * @param in       the body, positioned at its start; closed by {@link #close()}
     * @param boundary the boundary parameter of the body's content type (see {@link #boundaryOf(String)})
     * @param limits   bounds on what is read
     */
    public MultipartReader(InputStream in, String boundary, DicomWebLimits limits) {
        this.in = Objects.requireNonNull(in, "in");
        this.limits = Objects.requireNonNull(limits, "limits");
        checkBoundary(boundary);
        this.dashBoundary = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[Math.max(BUFFER, 4 * (dashBoundary.length + 2))];
    }

    /** One part: its headers (names in lower case) and its body, valid until the next call of {@link #next()}. */
    public record Part(int index, Map<String, String> headers, InputStream body) {
        /** Copies the headers. */
        public Part {
            headers = Map.copyOf(headers);
            Objects.requireNonNull(body, "body");
        }

        /** The part's Content-Type header, if it has one. */
        public Optional<String> contentType() {
            return Optional.ofNullable(headers.get("content-type"));
        }

        /** A header by its name in any case. */
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    /**
     * The boundary parameter of a multipart content type such as {@code multipart/related; type="application/dicom";
     * boundary=abc}, unquoted.
     *
     * @throws MultipartException when the type is not multipart or names no valid boundary
     */
    public static String boundaryOf(String contentType) {
        Objects.requireNonNull(contentType, "contentType");
        String[] pieces = splitParameters(contentType);
        if (!pieces[0].strip().toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            throw new MultipartException("content type '" + shorten(contentType) + "' is not multipart", 0, 0);
        }
        for (int i = 1; i < pieces.length; i++) {
            String p = pieces[i].strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase("boundary")) {
                String v = unquote(p.substring(eq + 1).strip());
                checkBoundary(v);
                return v;
            }
        }
        throw new MultipartException("content type '" + shorten(contentType) + "' has no boundary parameter", 0, 0);
    }

    /** A parameter of a content type (e.g. {@code type}), unquoted, if present. */
    static Optional<String> parameter(String contentType, String name) {
        String[] pieces = splitParameters(contentType);
        for (int i = 1; i < pieces.length; i++) {
            String p = pieces[i].strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase(name)) {
                return Optional.of(unquote(p.substring(eq + 1).strip()));
            }
        }
        return Optional.empty();
    }

    private static String[] splitParameters(String contentType) {
        // split on ';' outside quotes
        java.util.List<String> out = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < contentType.length(); i++) {
            char c = contentType.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ';' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out.toArray(new String[0]);
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return v;
    }

    private static String shorten(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /** RFC 2046: 1 to 70 characters of bchars, not ending in a space. */
    static void checkBoundary(String boundary) {
        if (boundary == null || boundary.isEmpty()) {
            throw new MultipartException("empty boundary", 0, 0);
        }
        if (boundary.length() > 70) {
            throw new MultipartException("boundary longer than 70 characters", 0, 0);
        }
        for (int i = 0; i < boundary.length(); i++) {
            char c = boundary.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || "'()+_,-./:=? ".indexOf(c) >= 0;
            if (!ok) {
                throw new MultipartException("boundary has a character RFC 2046 does not allow: 0x"
                        + Integer.toHexString(c), 0, 0);
            }
        }
        if (boundary.endsWith(" ")) {
            throw new MultipartException("boundary ends with a space", 0, 0);
        }
    }

    /**
     * The next part, or empty after the close delimiter. Skips what is left of the previous part's body.
     *
     * @throws MultipartException when the body is malformed or beyond a bound
     * @throws IOException        when the stream fails
     */
    public Optional<Part> next() throws IOException {
        if (current != null) {
            current.skipRest();
            current = null;
        }
        if (!started) {
            started = true;
            readPreamble();
        }
        if (finished) {
            return Optional.empty();
        }
        if (parts >= limits.maxParts()) {
            throw new MultipartException("more than " + limits.maxParts() + " parts", parts + 1, offset());
        }
        parts++;
        Map<String, String> headers = readHeaders();
        current = new PartBody();
        return Optional.of(new Part(parts, headers, current));
    }

    /** Closes the underlying stream. */
    @Override
    public void close() throws IOException {
        in.close();
    }

    private long offset() {
        return consumed + pos;
    }

    /** Makes at least {@code n} bytes available unless the stream ends first; returns what is available. */
    private int ensure(int n) throws IOException {
        while (lim - pos < n && !eof) {
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                consumed += pos;
                lim -= pos;
                pos = 0;
            }
            int r = in.read(buf, lim, buf.length - lim);
            if (r < 0) {
                eof = true;
            } else {
                lim += r;
            }
        }
        return lim - pos;
    }

    /**
     * Reads one line including its line break into a string (ISO-8859-1), at most {@code max} bytes. Returns null at
     * the end of the stream when nothing was read; a last line without a line break is returned as it is.
     */
    private String readLine(int max, String tooLong) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (ensure(1) == 0) {
                return sb.length() == 0 ? null : sb.toString();
            }
            byte b = buf[pos++];
            sb.append((char) (b & 0xFF));
            if (b == '\n') {
                return sb.toString();
            }
            if (sb.length() >= max) {
                throw new MultipartException(tooLong, parts, offset());
            }
        }
    }

    private static boolean startsWith(String line, byte[] prefix) {
        if (line.length() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((line.charAt(i) & 0xFF) != (prefix[i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    private void readPreamble() throws IOException {
        long budget = limits.maxPartHeaderBytes();
        while (true) {
            long at = offset();
            String line = readLine((int) Math.max(1, budget), "no boundary within the first "
                    + limits.maxPartHeaderBytes() + " bytes");
            if (line == null) {
                throw new MultipartException(at == 0 ? "empty body: no boundary" : "no boundary '"
                        + new String(dashBoundary, 2, dashBoundary.length - 2, StandardCharsets.ISO_8859_1)
                        + "' in the body", 0, at);
            }
            budget -= line.length();
            if (startsWith(line, dashBoundary)) {
                String rest = line.substring(dashBoundary.length);
                if (rest.startsWith("--")) {
                    finished = true; // an empty multipart body: close delimiter only
                    return;
                }
                if (isPaddingThenLineBreak(rest)) {
                    String lineBreak = rest.endsWith("\r\n") ? "\r\n" : "\n";
                    byte[] lb = lineBreak.getBytes(StandardCharsets.ISO_8859_1);
                    delimiter = new byte[lb.length + dashBoundary.length];
                    System.arraycopy(lb, 0, delimiter, 0, lb.length);
                    System.arraycopy(dashBoundary, 0, delimiter, lb.length, dashBoundary.length);
                    return;
                }
                if (!rest.endsWith("\n")) {
                    throw new MultipartException("the body ends inside the first boundary line", 0, offset());
                }
                // "--boundaryX": not our delimiter; RFC 2046 forbids this in a body, but in a preamble it is text
            }
            if (budget <= 0) {
                throw new MultipartException("no boundary within the first " + limits.maxPartHeaderBytes()
                        + " bytes", 0, offset());
            }
        }
    }

    private static boolean isPaddingThenLineBreak(String rest) {
        int end = rest.endsWith("\r\n") ? rest.length() - 2 : rest.endsWith("\n") ? rest.length() - 1 : -1;
        if (end < 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = rest.charAt(i);
            if (c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        int budget = limits.maxPartHeaderBytes();
        String lastName = null;
        while (true) {
            long at = offset();
            String line = readLine(Math.max(1, budget), "part header block longer than "
                    + limits.maxPartHeaderBytes() + " bytes");
            if (line == null || !line.endsWith("\n")) {
                throw new MultipartException("truncated part: the body ended inside the part's headers", parts, at);
            }
            budget -= line.length();
            String text = line.endsWith("\r\n") ? line.substring(0, line.length() - 2)
                    : line.substring(0, line.length() - 1);
            if (text.isEmpty()) {
                return headers;
            }
            if (budget <= 0) {
                throw new MultipartException("part header block longer than " + limits.maxPartHeaderBytes()
                        + " bytes", parts, at);
            }
            if ((text.charAt(0) == ' ' || text.charAt(0) == '\t') && lastName != null) {
                headers.merge(lastName, " " + text.strip(), String::concat); // folded continuation line
                continue;
            }
            int colon = text.indexOf(':');
            if (colon <= 0) {
                throw new MultipartException("part header line without a name and ':'", parts, at);
            }
            lastName = text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = text.substring(colon + 1).strip();
            headers.merge(lastName, value, (a, b) -> a + ", " + b);
        }
    }

    /** After a delimiter in a body: the close delimiter, or padding and a line break before the next part. */
    private void afterDelimiter() throws IOException {
        if (ensure(2) >= 2 && buf[pos] == '-' && buf[pos + 1] == '-') {
            pos += 2;
            finished = true; // the epilogue is not read
            return;
        }
        long at = offset();
        String rest = readLine(MAX_DELIMITER_LINE, "boundary line longer than " + MAX_DELIMITER_LINE + " bytes");
        if (rest == null || !rest.endsWith("\n")) {
            throw new MultipartException("missing final boundary: the body ended after a boundary without '--'",
                    parts, at);
        }
        if (!isPaddingThenLineBreak(rest)) {
            throw new MultipartException("text after a boundary: the boundary occurs inside a part", parts, at);
        }
    }

    /** The current part's body: reads up to the next delimiter. */
    private final class PartBody extends InputStream {
        private boolean done;
        private long size;
        private int safeEnd = -1; // buf[pos..safeEnd) holds no delimiter start; valid while >= pos
        private boolean delimiterAtSafeEnd;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (safeEnd < pos || (safeEnd == pos && !delimiterAtSafeEnd)) {
                scan();
            }
            if (safeEnd == pos && delimiterAtSafeEnd) {
                pos += delimiter.length;
                done = true;
                afterDelimiter();
                return -1;
            }
            int n = Math.min(len, safeEnd - pos);
            if (size + n > limits.maxPartSize()) {
                throw new MultipartException("part larger than " + limits.maxPartSize() + " bytes", parts,
                        offset());
            }
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            size += n;
            return n;
        }

        /** Finds how far the body can be read before a possible delimiter. */
        private void scan() throws IOException {
            int avail = ensure(delimiter.length);
            if (avail < delimiter.length) {
                throw new MultipartException("truncated part: the body ended after " + (size + avail)
                        + " bytes of the part, before a boundary", parts, consumed + lim);
            }
            int last = lim - delimiter.length; // last start position that can hold a whole delimiter
            byte first = delimiter[0];
            for (int i = pos; i <= last; i++) {
                if (buf[i] == first && matches(i)) {
                    safeEnd = i;
                    delimiterAtSafeEnd = true;
                    return;
                }
            }
            // no whole delimiter; a partial one may start in the last (delimiter.length - 1) bytes
            safeEnd = last + 1;
            delimiterAtSafeEnd = false;
        }

        private boolean matches(int at) {
            for (int k = 1; k < delimiter.length; k++) {
                if (buf[at + k] != delimiter[k]) {
                    return false;
                }
            }
            return true;
        }

        void skipRest() throws IOException {
            byte[] sink = new byte[8192];
            while (read(sink, 0, sink.length) >= 0) {
                // discard
            }
        }

        @Override
        public void close() {
            // the part ends at its boundary; the next part skips what is left
        }
    }
}

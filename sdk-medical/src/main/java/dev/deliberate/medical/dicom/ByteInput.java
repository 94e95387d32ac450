package dev.deliberate.medical.dicom;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random-access bytes for the parser: a whole array, or a file read through a small window so that a header scan
 * touches only the first kilobytes of a large file. Positions are absolute. Not thread-safe.
 */
final class ByteInput implements Closeable {
    private static final int WINDOW = 16 * 1024;
    /**
     * "No tag" for the {@code tag} parameters, which only name the element in an error. A long outside the int range,
     * so that every int (also 0xFFFFFFFF) is a tag; an int rather than an {@code Integer} because boxing a tag on
     * every read cost about a tenth of a cold header scan.
     */
    static final long NO_TAG = Long.MIN_VALUE;

    private final FileChannel channel;
    /** The file named in errors (the source, also when the bytes come from an inflated copy). */
    final Path file;
    /** The file bulk data refers to: {@link #file}, or the inflated copy. */
    private Path bulkFile;
    /** Keeps the inflated copy alive while values refer to it; null for a plain file. */
    private InflatedSpill spill;
    /** Whether a bulk data value refers to {@link #bulkFile}. */
    boolean bulkHanded;
    final long length;
    final boolean inflated;
    private byte[] buf;
    private long bufStart;
    private int bufLen;
    long pos;

    private ByteInput(FileChannel channel, Path file, long length, byte[] buf, boolean inflated) {
        this.channel = channel;
        this.file = file;
        this.length = length;
        this.buf = buf;
        this.bufLen = channel == null ? buf.length : 0;
        this.inflated = inflated;
        this.bulkFile = file;
    }

    static ByteInput of(byte[] data, Path file, boolean inflated) {
        return new ByteInput(null, file, data.length, data, inflated);
    }

    static ByteInput open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new ByteInput(ch, file, ch.size(), new byte[WINDOW], false);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** An inflated dataset spilled to a temporary file; errors still name {@code reported}. */
    static ByteInput openSpill(InflatedSpill spill, Path reported) throws IOException {
        FileChannel ch = FileChannel.open(spill.file(), StandardOpenOption.READ);
        try {
            ByteInput in = new ByteInput(ch, reported, ch.size(), new byte[WINDOW], true);
            in.bulkFile = spill.file();
            in.spill = spill;
            return in;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    boolean isFile() {
        return channel != null;
    }

    /** A lazy value of this input's file. */
    BulkData bulk(long offset, long len) {
        bulkHanded = true;
        return spill == null ? BulkData.ofFile(bulkFile, offset, len) : BulkData.ofFile(bulkFile, offset, len, spill);
    }

    /** The temporary copy behind this input, if it is one. */
    java.util.Optional<InflatedSpill> spill() {
        return java.util.Optional.ofNullable(spill);
    }

    /** The bytes from pos to the end as a stream (positional reads; closing it does not close this input). */
    java.io.InputStream restStream() {
        final long start = pos;
        if (channel == null) {
            return new java.io.ByteArrayInputStream(buf, (int) start, (int) (length - start));
        }
        return new java.io.InputStream() {
            long at = start;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (at >= length) {
                    return -1;
                }
                int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, length - at)), at);
                if (n > 0) {
                    at += n;
                }
                return n;
            }
        };
    }

    private static Integer boxed(long tag) {
        return tag == NO_TAG ? null : (int) tag;
    }

    long remaining() {
        return length - pos;
    }

    /** Makes bytes [pos, pos+n) available in buf; fails with a typed error when the data ends first. */
    private int need(int n, long tag) throws IOException {
        if (pos + n > length || pos < 0) {
            throw new DicomParseException("data ends after " + length + " bytes while " + n
                    + " more were expected" + (inflated ? " (offset in the inflated dataset)" : ""), file, pos,
                    boxed(tag));
        }
        if (channel == null) {
            return (int) pos;
        }
        if (pos < bufStart || pos + n > bufStart + bufLen) {
            if (n > buf.length) {
                buf = new byte[Math.max(n, buf.length * 2)];
            }
            bufStart = pos;
            int want = (int) Math.min(buf.length, length - pos);
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, want);
            long at = pos;
            while (bb.hasRemaining()) {
                int r = channel.read(bb, at);
                if (r < 0) {
                    break;
                }
                at += r;
            }
            bufLen = bb.position();
            if (bufLen < n) {
                throw new DicomParseException("file shrank while being read", file, pos, boxed(tag));
            }
        }
        return (int) (pos - bufStart);
    }

    /**
     * Makes the {@code n} bytes at pos available in {@link #window()} without moving, and returns the index of the
     * first; the index holds until the next call on this input.
     */
    int ahead(int n) throws IOException {
        return need(n, NO_TAG);
    }

    /** The buffer {@link #ahead} indexes into. */
    byte[] window() {
        return buf;
    }

    int u8(long tag) throws IOException {
        int i = need(1, tag);
        pos++;
        return buf[i] & 0xFF;
    }

    int u16(boolean bigEndian, long tag) throws IOException {
        int i = need(2, tag);
        pos += 2;
        return bigEndian ? (buf[i] & 0xFF) << 8 | (buf[i + 1] & 0xFF) : (buf[i] & 0xFF) | (buf[i + 1] & 0xFF) << 8;
    }

    /** Unsigned 32-bit value as a long. */
    long u32(boolean bigEndian, long tag) throws IOException {
        int i = need(4, tag);
        pos += 4;
        long v = bigEndian
                ? (buf[i] & 0xFF) << 24 | (buf[i + 1] & 0xFF) << 16 | (buf[i + 2] & 0xFF) << 8 | (buf[i + 3] & 0xFF)
                : (buf[i] & 0xFF) | (buf[i + 1] & 0xFF) << 8 | (buf[i + 2] & 0xFF) << 16 | (buf[i + 3] & 0xFF) << 24;
        return v & 0xFFFFFFFFL;
    }

    /** Peeks at a byte without moving; -1 past the end. */
    int peek(long at) throws IOException {
        if (at >= length || at < 0) {
            return -1;
        }
        long save = pos;
        pos = at;
        int i = need(1, NO_TAG);
        pos = save;
        return buf[i] & 0xFF;
    }

    byte[] bytes(int n, long tag) throws IOException {
        if (pos + n > length) {
            need(n, tag); // throws
        }
        byte[] out = new byte[n];
        if (channel == null) {
            System.arraycopy(buf, (int) pos, out, 0, n);
        } else if (n <= WINDOW) {
            int i = need(n, tag);
            System.arraycopy(buf, i, out, 0, n);
        } else {
            ByteBuffer bb = ByteBuffer.wrap(out);
            long at = pos;
            while (bb.hasRemaining()) {
                int r = channel.read(bb, at);
                if (r < 0) {
                    throw new DicomParseException("file shrank while being read", file, at, boxed(tag));
                }
                at += r;
            }
        }
        pos += n;
        return out;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}

package dev.deliberate.medical.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;

/**
 * A value kept out of memory: a range of bytes in a file that is read only when asked for, or bytes already in
 * memory (data that did not come from a plain file). Large values of a deflated dataset live in a temporary file
 * holding the inflated dataset, deleted once no value refers to it any more (and at the latest when the JVM exits).
 *
 * <p>Bytes are always in little-endian order (the reader keeps big-endian bulk data in memory, swapped).
 */
public final class BulkData {
    private final Path file;
    private final long offset;
    private final long length;
    private final byte[] bytes;
    /** Keeps a temporary file alive while this value can still read it (see {@link InflatedSpill}); or null. */
    @SuppressWarnings("unused")
    private final Object owner;

    private BulkData(Path file, long offset, long length, byte[] bytes, Object owner) {
        this.file = file;
        this.offset = offset;
        this.length = length;
        this.bytes = bytes;
        this.owner = owner;
    }

    /** A range of a file; nothing is read now. */
    public static BulkData ofFile(Path file, long offset, long length) {
        Objects.requireNonNull(file, "file");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must not be negative");
        }
        return new BulkData(file, offset, length, null, null);
    }

    /** A range of a temporary file that stays on disk as long as {@code owner} is reachable. */
    static BulkData ofFile(Path file, long offset, long length, Object owner) {
        BulkData b = ofFile(file, offset, length);
        return new BulkData(b.file, b.offset, b.length, null, owner);
    }

    /** Bytes in memory (not copied: the caller gives up the array). */
    public static BulkData ofBytes(byte[] bytes) {
        return new BulkData(null, 0, bytes.length, Objects.requireNonNull(bytes, "bytes"), null);
    }

    /** The length in bytes. */
    public long length() {
        return length;
    }

    /** The file holding the bytes, or empty when they are in memory. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The byte offset in {@link #file()} (0 for in-memory data). */
    public long offset() {
        return offset;
    }

    /**
     * Reads the bytes.
     *
     * @throws IOException when the file cannot be read, has changed size, or the value is larger than an array
     */
    public byte[] read() throws IOException {
        if (bytes != null) {
            return bytes.clone();
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException("bulk data of " + length + " bytes is too large for an array; use transferTo");
        }
        byte[] out = new byte[(int) length];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.wrap(out);
            long pos = offset;
            while (b.hasRemaining()) {
                int n = ch.read(b, pos);
                if (n < 0) {
                    throw new IOException(file + " ended before the bulk data at offset " + offset + " (length "
                            + length + ")");
                }
                pos += n;
            }
        }
        return out;
    }

    /** Copies the bytes to {@code out} without holding them all in memory. */
    public void transferTo(OutputStream out) throws IOException {
        if (bytes != null) {
            out.write(bytes);
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < offset + length) {
                throw new IOException(file + " is shorter than the bulk data at offset " + offset);
            }
            long done = 0;
            var target = Channels.newChannel(out);
            while (done < length) {
                long n = ch.transferTo(offset + done, length - done, target);
                if (n <= 0) {
                    throw new IOException("could not copy bulk data from " + file);
                }
                done += n;
            }
        }
    }

    /** Opens a stream over the bytes. */
    public InputStream open() throws IOException {
        if (bytes != null) {
            return new java.io.ByteArrayInputStream(bytes);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ch.position(offset);
        InputStream raw = Channels.newInputStream(ch);
        return new InputStream() {
            long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = raw.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = raw.read(buf, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    /** Whether the bytes are in memory. */
    public boolean inMemory() {
        return bytes != null;
    }

    @Override
    public String toString() {
        return bytes != null ? "BulkData[" + length + " bytes in memory]"
                : "BulkData[" + file + " @" + offset + " +" + length + "]";
    }
}

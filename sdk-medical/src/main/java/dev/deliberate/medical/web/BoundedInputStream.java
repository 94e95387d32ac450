package dev.deliberate.medical.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/** Fails with the given exception once more than {@code max} bytes were read; never reads past that. */
final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private final long max;
    private final Supplier<? extends RuntimeException> tooLarge;
    private long count;

    BoundedInputStream(InputStream in, long max, Supplier<? extends RuntimeException> tooLarge) {
        this.in = in;
        this.max = max;
        this.tooLarge = tooLarge;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0 && ++count > max) {
            throw tooLarge.get();
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, (int) Math.min(len, max - count + 1));
        if (n > 0) {
            count += n;
            if (count > max) {
                throw tooLarge.get();
            }
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

package dev.deliberate.openai;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read on the caller's thread with a time bound on every wait, so that a stalled server, a
 * deadline or a cancel is noticed without a second thread (a blocked {@code InputStream.read} on
 * {@code java.net.http} cannot be interrupted). Back-pressured: at most a few buffer lists are requested ahead of the
 * reader, so memory stays bounded whatever the server sends, and lines are bounded by {@code maxLine}.
 */
final class ResponseBody implements Flow.Subscriber<List<ByteBuffer>> {

    /** What {@link #readLine} returns when the wait bound passed with no complete line. */
    static final String TIMEOUT = new String("timeout");

    private static final Object END = new Object();
    /** Buffer lists requested ahead of the reader: bounds memory, and keeps the network thread from waiting on us. */
    private static final int IN_FLIGHT = 16;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;
    private List<ByteBuffer> current = List.of();
    private int index;
    private boolean ended;
    private final int maxLine;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean lastWasCr;
    private long bytes;

    ResponseBody(int maxLine) {
        this.maxLine = maxLine;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (cancelled) {
            s.cancel();
        } else {
            s.request(IN_FLIGHT);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable t) {
        queue.add(t);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    /** Stops the transfer (the connection is released). */
    void cancel() {
        cancelled = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    /** Bytes received so far. */
    long bytes() {
        return bytes;
    }

    /**
     * The next line (without its terminator: LF, CRLF or CR), {@code null} at the end of the body, or
     * {@link #TIMEOUT} when {@code untilNanos} passed first.
     *
     * @throws java.io.IOException        when the transfer failed
     * @throws LineTooLongException       when a line exceeds the bound
     */
    String readLine(long untilNanos) throws java.io.IOException, InterruptedException {
        while (true) {
            ByteBuffer b = buffer(untilNanos);
            if (b == TIMEOUT_BUFFER) {
                return TIMEOUT;
            }
            if (b == null) {
                if (lineLength > 0) {
                    return takeLine();
                }
                return null;
            }
            while (b.hasRemaining()) {
                byte c = b.get();
                bytes++;
                if (c == '\n') {
                    if (lastWasCr) {
                        lastWasCr = false;
                        continue;
                    }
                    return takeLine();
                }
                if (c == '\r') {
                    lastWasCr = true;
                    return takeLine();
                }
                lastWasCr = false;
                if (lineLength == maxLine) {
                    throw new LineTooLongException(maxLine);
                }
                if (lineLength == line.length) {
                    line = java.util.Arrays.copyOf(line, Math.min(maxLine, line.length * 2));
                }
                line[lineLength++] = c;
            }
        }
    }

    /** Reads the whole rest of the body, at most {@code max} bytes (more is cut off and flagged by the length). */
    byte[] readAll(int max, long untilNanos) throws java.io.IOException, InterruptedException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (out.size() <= max) {
            ByteBuffer b = buffer(untilNanos);
            if (b == null || b == TIMEOUT_BUFFER) {
                if (b == TIMEOUT_BUFFER) {
                    throw new java.net.http.HttpTimeoutException("body not complete in time");
                }
                break;
            }
            int n = Math.min(b.remaining(), max + 1 - out.size());
            byte[] chunk = new byte[n];
            b.get(chunk);
            bytes += n;
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    private static final ByteBuffer TIMEOUT_BUFFER = ByteBuffer.allocate(0);

    private ByteBuffer buffer(long untilNanos) throws java.io.IOException, InterruptedException {
        while (true) {
            while (index < current.size()) {
                ByteBuffer b = current.get(index);
                if (b.hasRemaining()) {
                    return b;
                }
                index++;
            }
            if (ended) {
                return null;
            }
            if (!current.isEmpty()) {
                current = List.of();
                index = 0;
                Flow.Subscription s = subscription;
                if (s != null) {
                    s.request(1);
                }
            }
            long wait = untilNanos - System.nanoTime();
            Object next = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
            if (next == null) {
                return TIMEOUT_BUFFER;
            }
            if (next == END) {
                ended = true;
                return null;
            }
            if (next instanceof Throwable t) {
                ended = true;
                throw t instanceof java.io.IOException io ? io : new java.io.IOException(t.getMessage(), t);
            }
            @SuppressWarnings("unchecked")
            List<ByteBuffer> list = (List<ByteBuffer>) next;
            current = list;
            index = 0;
        }
    }

    private String takeLine() {
        String s = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
        return s;
    }

    /** A line longer than the parser accepts. */
    static final class LineTooLongException extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        LineTooLongException(int max) {
            super("a line of the response is longer than " + max + " bytes");
        }
    }
}

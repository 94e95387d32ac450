package dev.deliberate.medical.web;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A response body whose reads fail when one waits longer than the read timeout: {@code java.net.http}'s request
 * timeout ends when the headers arrive, so a server that stalls mid-body would otherwise block the reader forever.
 * Every failure of the underlying stream becomes a {@link BrokenResponseException}.
 */
final class IdleTimeoutInputStream extends InputStream {
    private final InputStream in;
    private final ScheduledExecutorService watchdog;
    private final Duration timeout;
    private final String what;
    private volatile boolean timedOut;

    /**
     * @param in       the body
     * @param watchdog runs the alarms (should remove cancelled tasks)
     * @param timeout  longest wait of one read
     * @param what     the request, for messages ("GET http://...")
     */
    IdleTimeoutInputStream(InputStream in, ScheduledExecutorService watchdog, Duration timeout, String what) {
        this.in = in;
        this.watchdog = watchdog;
        this.timeout = timeout;
        this.what = what;
    }

    @FunctionalInterface
    private interface IoCall<T> {
        T run() throws IOException;
    }

    private <T> T guarded(IoCall<T> call) throws IOException {
        Thread reader = Thread.currentThread();
        AtomicInteger state = new AtomicInteger(); // 0 reading, 1 done, 2 timed out
        ScheduledFuture<?> alarm;
        try {
            alarm = watchdog.schedule(() -> {
                synchronized (state) {
                    if (state.compareAndSet(0, 2)) {
                        timedOut = true;
                        try {
                            in.close(); // cancels the exchange
                        } catch (IOException ignored) {
                            // closing is best effort
                        }
                        reader.interrupt(); // wakes a reader blocked waiting for the next buffer
                    }
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the DICOMweb client is closed", e);
        }
        try {
            return call.run();
        } catch (IOException e) {
            if (state.get() == 2 || timedOut) {
                throw new BrokenResponseException(new DicomWebConnectionException(what + ": the server sent nothing for "
                        + DicomWebClient.seconds(timeout), e));
            }
            if (e instanceof BrokenResponseException) {
                throw e;
            }
            throw new BrokenResponseException(new DicomWebConnectionException(what + ": the response broke off"
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e));
        } finally {
            alarm.cancel(false);
            if (!state.compareAndSet(0, 1)) {
                synchronized (state) {
                    Thread.interrupted(); // the alarm has interrupted this thread: clear that wake-up
                }
            }
        }
    }

    @Override
    public int read() throws IOException {
        return guarded(in::read);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return guarded(() -> in.read(b, off, len));
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

package dev.deliberate.cli.dicom.web;

import dev.deliberate.medical.web.TransferListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a long transfer on stderr: on a terminal a line rewritten in place, otherwise a line every few seconds,
 * and nothing at all for a transfer that ends quickly.
 */
final class Progress implements TransferListener {
    private static final long FIRST_NANOS = 2_000_000_000L;
    private static final long EVERY_NANOS = 5_000_000_000L;

    private final PrintWriter err;
    private final String verb;
    private final int total;
    private final boolean live;
    private final java.util.function.LongSupplier clock;
    private final long start;
    private long lastShown;
    private boolean shown;

    /**
     * @param verb  what is done, e.g. "stored"
     * @param total how many instances in all, or 0 when unknown
     */
    Progress(PrintWriter err, String verb, int total) {
        this(err, verb, total, System.console() != null, System::nanoTime);
    }

    /** With an explicit terminal flag and clock (nanoseconds), for tests. */
    Progress(PrintWriter err, String verb, int total, boolean live, java.util.function.LongSupplier clock) {
        this.err = err;
        this.verb = verb;
        this.total = total;
        this.live = live;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    @Override
    public void progress(int instances, long bytes) {
        long now = clock.getAsLong();
        if (now - start < FIRST_NANOS || (!live && shown && now - lastShown < EVERY_NANOS)) {
            return;
        }
        String line = String.format(Locale.ROOT, "deliberate: %s %,d%s %s (%,.1f MB)", verb, instances,
                total > 0 ? " of " + String.format(Locale.ROOT, "%,d", total) : "",
                (total > 0 ? total : instances) == 1 ? "instance" : "instances", bytes / 1e6);
        if (live) {
            err.print("\r" + line);
        } else {
            err.println(line);
        }
        err.flush();
        shown = true;
        lastShown = now;
    }

    /** Ends a live line. */
    void done() {
        if (live && shown) {
            err.println();
            err.flush();
        }
    }
}

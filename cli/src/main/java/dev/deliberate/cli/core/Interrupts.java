package dev.deliberate.cli.core;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGINT (Ctrl-C) into a call to {@code onInterrupt} on a signal thread, so that a command can cancel its work
 * and still end in order (restore the terminal, print what it has, exit 130) instead of the JVM stopping mid-line.
 * Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}); where that is not available the default handling
 * stays. {@link #close()} restores the previous handler.
 */
final class Interrupts implements AutoCloseable {

    /** The exit status of a command ended by SIGINT (128 + 2), as shells report it. */
    static final int EXIT_CODE = 130;

    private final Object previous;
    private final AtomicBoolean interrupted = new AtomicBoolean();

    private Interrupts(Runnable onInterrupt) {
        Object old = null;
        try {
            sun.misc.Signal sigint = new sun.misc.Signal("INT");
            old = sun.misc.Signal.handle(sigint, s -> {
                if (interrupted.compareAndSet(false, true)) {
                    onInterrupt.run();
                }
            });
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            LoggerFactory.getLogger(Interrupts.class).debug("cannot handle SIGINT here: {}", e.toString());
        }
        this.previous = old;
    }

    /** Handles SIGINT with {@code onInterrupt} (called at most once) until closed. */
    static Interrupts onSigint(Runnable onInterrupt) {
        return new Interrupts(onInterrupt);
    }

    /** Whether SIGINT arrived. */
    boolean interrupted() {
        return interrupted.get();
    }

    @Override
    public void close() {
        if (previous instanceof sun.misc.SignalHandler h) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal("INT"), h);
            } catch (IllegalArgumentException e) {
                // nothing to restore
            }
        }
    }
}

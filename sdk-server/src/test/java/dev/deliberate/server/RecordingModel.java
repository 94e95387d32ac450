package dev.deliberate.server;

import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.ReasoningCall;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.ReasoningListener;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a real model to watch what the server does with it: every call (request and future), how many run at once,
 * and, with a {@link Tracker#barrier}, whether calls really run in parallel: each call's first event waits until
 * {@code n} calls have produced one, which a server that serialised calls could never reach.
 */
final class RecordingModel implements ReasoningModel {

    /** What all instances of a pool saw. */
    static final class Tracker {
        final List<Recorded> calls = new CopyOnWriteArrayList<>();
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();
        final AtomicInteger barrierTimeouts = new AtomicInteger();
        volatile CountDownLatch barrier;
        /**
         * When above 0, a call's generation stops after this many events until the call is cancelled (at most 60 s):
         * a stream that is still running, however fast the model, when its client leaves.
         */
        volatile int holdAfterEvents;

        Recorded last() {
            return calls.get(calls.size() - 1);
        }
    }

    /** One call: its request and its handle. */
    record Recorded(ReasoningRequest request, ReasoningCall call) { }

    private final ReasoningModel delegate;
    private final Tracker tracker;

    RecordingModel(ReasoningModel delegate, Tracker tracker) {
        this.delegate = delegate;
        this.tracker = tracker;
    }

    @Override
    public ModelInfo info() {
        return delegate.info();
    }

    @Override
    public ReasoningCall start(ReasoningRequest request, ReasoningListener listener) {
        CountDownLatch barrier = tracker.barrier;
        int holdAfter = tracker.holdAfterEvents;
        int[] events = {0};
        CountDownLatch cancelled = new CountDownLatch(1);
        boolean[] first = {true};
        ReasoningListener watched = event -> {
            if (holdAfter > 0 && ++events[0] == holdAfter) {
                try {
                    cancelled.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (first[0] && barrier != null && !(event instanceof ReasoningEvent.Done)) {
                first[0] = false;
                barrier.countDown();
                try {
                    if (!barrier.await(30, TimeUnit.SECONDS)) {
                        tracker.barrierTimeouts.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            listener.onEvent(event);
        };
        int now = tracker.active.incrementAndGet();
        tracker.peak.accumulateAndGet(now, Math::max);
        ReasoningCall started;
        try {
            started = delegate.start(request, watched);
        } catch (RuntimeException e) {
            tracker.active.decrementAndGet();
            throw e;
        }
        started.future().whenComplete((r, e) -> tracker.active.decrementAndGet());
        ReasoningCall call = new ReasoningCall() {
            @Override
            public void cancel() {
                started.cancel(); // first: a held generation must see the cancel when it resumes
                cancelled.countDown();
            }

            @Override
            public java.util.concurrent.CompletableFuture<dev.deliberate.core.Reasoning> future() {
                return started.future();
            }
        };
        tracker.calls.add(new Recorded(request, call));
        return call;
    }

    @Override
    public void close() {
        delegate.close();
    }
}

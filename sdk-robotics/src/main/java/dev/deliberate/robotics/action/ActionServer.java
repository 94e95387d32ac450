package dev.deliberate.robotics.action;

import dev.deliberate.robotics.GoalRejectedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transport-neutral action server with ROS 2 {@code action_msgs} semantics: every goal gets a {@link GoalId}, goes
 * through the {@link GoalStatus} machine, may publish feedback, may be cancelled, and ends with a {@link GoalResult}
 * that is kept for a bounded time. A {@link GoalPolicy} decides what happens to goals that arrive while the server is
 * busy. Transports (rosbridge, later DDS) sit on top; tests call it directly.
 *
 * <pre>{@code
 * try (ActionServer<String, String, Integer> server = ActionServer.builder("count",
 *         (String goal, GoalContext<String> ctx) -> GoalOutcome.succeeded(goal.length())).build()) {
 *     GoalHandle<Integer> goal = server.submit("four", GoalObserver.ignoring());
 *     System.out.println(goal.result().join().result().orElseThrow()); // 4
 * }
 * }</pre>
 *
 * <p><b>Deadlines.</b> With {@link GoalDeadlines} (picked up from the handler when it implements them), every goal
 * gets a timer at its arrival. The timers live on one dedicated watchdog thread per server (maximum priority, doing
 * nothing but timers), which, when a deadline passes first, completes the goal itself with
 * {@link GoalDeadlines#expired}, wherever the goal is: waiting in the queue, executing, or winding down after a cancel
 * or a preemption. The handler is then asked to stop (its cancel hooks run) and its late outcome is dropped; the next
 * queued goal starts at once. Busy handler threads cannot starve that thread of the work it needs: it never waits
 * for a handler.
 *
 * <p>Thread-safe. Handlers run on daemon worker threads owned by the server; {@link #close()} cancels what runs, aborts
 * what waits and waits for the workers to end.
 *
 * @param <G> the goal type
 * @param <F> the feedback type
 * @param <R> the result type
 */
public final class ActionServer<G, F, R> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ActionServer.class);

    private final String name;
    private final GoalHandler<G, F, R> handler;
    private final GoalPolicy policy;
    private final int maxConcurrentGoals;
    private final int queueCapacity;
    private final ResultRetention retention;
    private final Clock clock;
    private final Duration closeTimeout;
    private final ThreadPoolExecutor workers;
    private final Optional<GoalDeadlines<G, R>> deadlines;
    private final ScheduledThreadPoolExecutor watchdog; // null without deadlines

    private final Object lock = new Object();
    // all fields below are guarded by lock
    private final Map<GoalId, Entry> active = new LinkedHashMap<>();
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private final LinkedHashMap<GoalId, GoalResult<R>> retained = new LinkedHashMap<>();
    private boolean closed;

    private ActionServer(Builder<G, F, R> b) {
        this.name = b.name;
        this.handler = b.handler;
        this.policy = b.policy;
        this.maxConcurrentGoals = b.maxConcurrentGoals;
        this.queueCapacity = b.queueCapacity;
        this.retention = b.retention;
        this.clock = b.clock;
        this.closeTimeout = b.closeTimeout;
        this.deadlines = Optional.ofNullable(b.deadlines);
        if (b.deadlines != null) {
            ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "deliberate-watchdog-" + name);
                t.setDaemon(true);
                t.setPriority(Thread.MAX_PRIORITY);
                return t;
            });
            w.setRemoveOnCancelPolicy(true);
            w.prestartCoreThread();
            this.watchdog = w;
        } else {
            this.watchdog = null;
        }
        AtomicInteger n = new AtomicInteger();
        // Threads are created on demand: executing goals are bounded by maxConcurrentGoals, plus goals winding down
        // after a cancel (which must not hold back the goal that preempted them).
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 2, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "deliberate-action-" + name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * A builder for a server called {@code name} (used in thread names and logs) that executes goals with
     * {@code handler}.
     */
    public static <G, F, R> Builder<G, F, R> builder(String name, GoalHandler<G, F, R> handler) {
        return new Builder<>(name, handler);
    }

    /** The server's name. */
    public String name() {
        return name;
    }

    /** The policy for goals that arrive while the server is busy. */
    public GoalPolicy policy() {
        return policy;
    }

    /** The deadlines this server enforces; empty when goals have none. */
    public Optional<GoalDeadlines<G, R>> deadlines() {
        return deadlines;
    }

    /** How many goals may wait under {@link GoalPolicy#QUEUE}. */
    public int queueCapacity() {
        return queueCapacity;
    }

    /**
     * Accepts a goal under a fresh random id.
     *
     * @see #submit(GoalId, Object, GoalObserver)
     */
    public GoalHandle<R> submit(G goal, GoalObserver<F, R> observer) {
        return submit(GoalId.random(), goal, observer);
    }

    /**
     * Accepts a goal under the given id (as a ROS client chooses it). The observer hears {@link GoalStatus#ACCEPTED}
     * before this method returns.
     *
     * @throws GoalRejectedException when the server is closed, the id is in use, or the policy refuses the goal
     */
    public GoalHandle<R> submit(GoalId id, G goal, GoalObserver<F, R> observer) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(goal, "goal");
        Objects.requireNonNull(observer, "observer");
        Entry entry = new Entry(id, goal, observer, clock.instant());
        List<Entry> touched = new ArrayList<>();
        List<Runnable> hooks = new ArrayList<>();
        List<Entry> toStart;
        synchronized (lock) {
            if (closed) {
                throw new GoalRejectedException("action server '" + name + "' is closed");
            }
            if (active.containsKey(id) || retainedLocked(id).isPresent()) {
                throw new GoalRejectedException("goal id " + id + " is already in use");
            }
            int executing = executingLocked();
            switch (policy) {
                case REJECT_WHEN_BUSY -> {
                    if (executing >= maxConcurrentGoals) {
                        throw new GoalRejectedException("action server '" + name + "' is busy with " + executing
                                + " goal(s) and rejects goals while busy");
                    }
                }
                case QUEUE -> {
                    if (executing >= maxConcurrentGoals && queue.size() >= queueCapacity) {
                        throw new GoalRejectedException("action server '" + name + "' queue is full ("
                                + queueCapacity + " goals waiting)");
                    }
                }
                case PREEMPT -> {
                    for (Entry other : new ArrayList<>(active.values())) {
                        requestCancelLocked(other, hooks, "preempted by goal " + id);
                        touched.add(other);
                    }
                }
            }
            active.put(id, entry);
            armLocked(entry);
            queue.addLast(entry);
            entry.status = GoalStatus.ACCEPTED;
            entry.emitStatus(GoalStatus.ACCEPTED);
            touched.add(entry);
            toStart = startReadyLocked();
        }
        runHooks(hooks);
        touched.forEach(Entry::drain);
        launch(toStart);
        return entry;
    }

    /**
     * Requests cancellation of a goal. A waiting goal ends CANCELED at once; an executing one goes to CANCELING and its
     * handler's cancel hooks run on this thread before this method returns.
     */
    public CancelResponse cancel(GoalId id) {
        Objects.requireNonNull(id, "id");
        List<Runnable> hooks = new ArrayList<>();
        Entry entry;
        synchronized (lock) {
            entry = active.get(id);
            if (entry == null) {
                return retainedLocked(id).isPresent() ? CancelResponse.GOAL_TERMINATED : CancelResponse.UNKNOWN_GOAL;
            }
            requestCancelLocked(entry, hooks, "cancel requested");
        }
        runHooks(hooks);
        entry.drain();
        return CancelResponse.ACCEPTED;
    }

    /** The status of a goal: active, or ended and retained; empty when unknown. */
    public Optional<GoalStatus> status(GoalId id) {
        synchronized (lock) {
            Entry e = active.get(id);
            if (e != null) {
                return Optional.of(e.status);
            }
            return retainedLocked(id).map(GoalResult::status);
        }
    }

    /** The result of an ended goal while it is retained. */
    public Optional<GoalResult<R>> result(GoalId id) {
        synchronized (lock) {
            return retainedLocked(id);
        }
    }

    /** How many goals are accepted or executing (not ended). */
    public int activeGoals() {
        synchronized (lock) {
            return active.size();
        }
    }

    /** How many ended goals' results are retained now. */
    public int retainedResults() {
        synchronized (lock) {
            purgeLocked();
            return retained.size();
        }
    }

    /**
     * Stops accepting goals, aborts waiting goals, cancels executing ones, and waits (up to the close timeout) for the
     * handlers to return. Idempotent.
     */
    @Override
    public void close() {
        List<Runnable> hooks = new ArrayList<>();
        List<Entry> touched;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            touched = new ArrayList<>(active.values());
            for (Entry e : touched) {
                if (e.status == GoalStatus.ACCEPTED) {
                    queue.remove(e);
                    finishLocked(e, GoalOutcome.aborted("action server closed before the goal ran"));
                } else {
                    requestCancelLocked(e, hooks, "action server closing");
                }
            }
        }
        runHooks(hooks);
        touched.forEach(Entry::drain);
        workers.shutdown();
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
        try {
            if (!workers.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("action server '{}': handlers still running {} after close; interrupting them", name,
                        closeTimeout);
                workers.shutdownNow();
                workers.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        List<Entry> leftovers;
        synchronized (lock) {
            leftovers = new ArrayList<>(active.values());
            for (Entry e : leftovers) {
                finishLocked(e, GoalOutcome.aborted("action server closed while the handler still ran"));
            }
        }
        leftovers.forEach(Entry::drain);
    }

    // ---- internals -------------------------------------------------------------------------------------------

    private void armLocked(Entry e) {
        if (watchdog == null) {
            return;
        }
        Optional<Duration> d;
        try {
            d = deadlines.get().deadlineOf(e.goal);
        } catch (RuntimeException ex) {
            LOG.warn("action server '{}': no deadline for goal {}: {}", name, e.id, ex.toString());
            return;
        }
        if (d.isEmpty()) {
            return;
        }
        long left = Math.max(0, d.get().toNanos() - (System.nanoTime() - e.arrivedNanos));
        try {
            e.timer = watchdog.schedule(() -> expire(e), left, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closing: close() ends the goal
        }
    }

    /** On the watchdog thread: the goal's deadline passed before it ended. */
    private void expire(Entry e) {
        List<Runnable> hooks = new ArrayList<>();
        List<Entry> toStart;
        synchronized (lock) {
            if (e.status.isTerminal() || active.get(e.id) != e) {
                return;
            }
            GoalDeadlines.Phase phase = switch (e.status) {
                case ACCEPTED -> GoalDeadlines.Phase.WAITING;
                case CANCELING -> GoalDeadlines.Phase.CANCELING;
                default -> GoalDeadlines.Phase.EXECUTING;
            };
            GoalOutcome<R> outcome;
            try {
                outcome = deadlines.get().expired(e.goal, phase);
            } catch (RuntimeException ex) {
                outcome = GoalOutcome.aborted("deadline passed, and the deadline outcome failed: " + ex);
            }
            if (phase == GoalDeadlines.Phase.WAITING) {
                queue.remove(e);
                if (outcome.status() != GoalStatus.ABORTED) {
                    e.transitionLocked(GoalStatus.EXECUTING); // ROS: a result comes from an executing goal
                }
            }
            e.expired = true;
            hooks.addAll(e.cancelHooks);
            e.cancelHooks.clear();
            finishLocked(e, outcome);
            toStart = startReadyLocked();
        }
        runHooks(hooks); // cancel hooks only raise flags (stop the model at its next token): quick
        e.drain();
        launch(toStart);
    }

    private int executingLocked() {
        int n = 0;
        for (Entry e : active.values()) {
            if (e.status == GoalStatus.EXECUTING) {
                n++;
            }
        }
        return n;
    }

    private List<Entry> startReadyLocked() {
        List<Entry> start = new ArrayList<>();
        int executing = executingLocked();
        while (!closed && executing < maxConcurrentGoals && !queue.isEmpty()) {
            Entry e = queue.pollFirst();
            e.transitionLocked(GoalStatus.EXECUTING);
            executing++;
            start.add(e);
        }
        return start;
    }

    private void launch(List<Entry> entries) {
        for (Entry e : entries) {
            e.drain();
            try {
                workers.execute(() -> run(e));
            } catch (java.util.concurrent.RejectedExecutionException rejected) {
                synchronized (lock) {
                    finishLocked(e, GoalOutcome.aborted("action server closed before the goal ran"));
                }
                e.drain();
            }
        }
    }

    private void run(Entry e) {
        GoalOutcome<R> outcome;
        try {
            outcome = handler.execute(e.goal, e);
            if (outcome == null) {
                outcome = GoalOutcome.aborted("handler returned no outcome");
            }
        } catch (RuntimeException | Error failure) {
            LOG.warn("action server '{}': goal {} failed: {}", name, e.id, failure.toString(), failure);
            outcome = deadlines.isPresent()
                    ? GoalOutcome.aborted(deadlines.get().unreadable("handler failed: " + failure),
                            "handler failed: " + failure)
                    : GoalOutcome.aborted("handler failed: " + failure);
        }
        List<Entry> toStart;
        synchronized (lock) {
            if (e.status.isTerminal()) {
                return; // close() gave up on this handler already
            }
            finishLocked(e, outcome);
            toStart = startReadyLocked();
        }
        e.drain();
        launch(toStart);
    }

    private void requestCancelLocked(Entry e, List<Runnable> hooks, String why) {
        if (e.cancelRequested || e.status.isTerminal()) {
            return;
        }
        e.cancelRequested = true;
        if (e.status == GoalStatus.ACCEPTED) {
            queue.remove(e);
            e.disarm();
            e.transitionLocked(GoalStatus.CANCELING);
            e.finishedWith(GoalStatus.CANCELED, Optional.empty(), why);
            active.remove(e.id);
            retainLocked(e);
        } else {
            e.transitionLocked(GoalStatus.CANCELING);
            hooks.addAll(e.cancelHooks);
            e.cancelHooks.clear();
        }
    }

    private void finishLocked(Entry e, GoalOutcome<R> outcome) {
        GoalStatus status = outcome.status();
        String message = outcome.message();
        if (status == GoalStatus.CANCELED && !e.cancelRequested) {
            status = GoalStatus.ABORTED;
            message = "handler reported CANCELED without a cancel request";
        }
        if (e.status == GoalStatus.ACCEPTED && status != GoalStatus.ABORTED) {
            status = GoalStatus.ABORTED;
        }
        e.disarm();
        e.finishedWith(status, outcome.result(), message);
        active.remove(e.id);
        retainLocked(e);
    }

    private void retainLocked(Entry e) {
        if (retention.maxResults() == 0) {
            return;
        }
        retained.put(e.id, e.finalResult);
        while (retained.size() > retention.maxResults()) {
            Iterator<GoalId> it = retained.keySet().iterator();
            it.next();
            it.remove();
        }
        purgeLocked();
    }

    private Optional<GoalResult<R>> retainedLocked(GoalId id) {
        purgeLocked();
        return Optional.ofNullable(retained.get(id));
    }

    private void purgeLocked() {
        Instant oldest = clock.instant().minus(retention.maxAge());
        Iterator<GoalResult<R>> it = retained.values().iterator();
        while (it.hasNext()) {
            if (it.next().finishedAt().isBefore(oldest)) {
                it.remove();
            } else {
                break; // insertion order is finishing order
            }
        }
    }

    private void runHooks(List<Runnable> hooks) {
        for (Runnable hook : hooks) {
            try {
                hook.run();
            } catch (RuntimeException ex) {
                LOG.warn("action server '{}': cancel hook failed: {}", name, ex.toString(), ex);
            }
        }
    }

    /**
     * One goal: its state (guarded by the server lock) and its ordered event stream. Events are appended under the
     * server lock, in transition order, and delivered outside it by whichever thread drains first; one thread at a
     * time drains, so observers see each goal's events in order and never concurrently.
     */
    private final class Entry implements GoalHandle<R>, GoalContext<F> {
        final GoalId id;
        final G goal;
        final GoalObserver<F, R> observer;
        final Instant acceptedAt;
        final long arrivedNanos = System.nanoTime();
        final CompletableFuture<GoalResult<R>> future = new CompletableFuture<>();
        final List<Runnable> cancelHooks = new ArrayList<>();
        final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
        final Object deliveryLock = new Object();
        GoalStatus status = GoalStatus.UNKNOWN;
        boolean cancelRequested;
        boolean expired; // the watchdog ended the goal; the handler should stop
        ScheduledFuture<?> timer;
        GoalResult<R> finalResult;

        Entry(GoalId id, G goal, GoalObserver<F, R> observer, Instant acceptedAt) {
            this.id = id;
            this.goal = goal;
            this.observer = observer;
            this.acceptedAt = acceptedAt;
        }

        void transitionLocked(GoalStatus next) {
            if (!status.canTransitionTo(next)) {
                throw new IllegalStateException("goal " + id + ": " + status + " -> " + next + " is not allowed");
            }
            status = next;
            emitStatus(next);
        }

        void disarm() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }

        void emitStatus(GoalStatus s) {
            events.add(() -> observer.onStatus(id, s));
        }

        void finishedWith(GoalStatus terminal, Optional<R> result, String message) {
            transitionLocked(terminal);
            GoalResult<R> r = new GoalResult<>(id, terminal, result, message, clock.instant());
            finalResult = r;
            events.add(() -> observer.onResult(r));
            events.add(() -> future.complete(r));
        }

        void drain() {
            synchronized (deliveryLock) {
                Runnable event;
                while ((event = events.poll()) != null) {
                    try {
                        event.run();
                    } catch (RuntimeException ex) {
                        LOG.warn("action server '{}': observer of goal {} failed: {}", name, id, ex.toString(), ex);
                    }
                }
            }
        }

        // GoalHandle

        @Override
        public GoalId id() {
            return id;
        }

        @Override
        public GoalStatus status() {
            synchronized (lock) {
                if (active.get(id) == this) {
                    return status;
                }
                return retainedLocked(id).map(GoalResult::status).orElse(GoalStatus.UNKNOWN);
            }
        }

        @Override
        public CancelResponse cancel() {
            return ActionServer.this.cancel(id);
        }

        @Override
        public CompletableFuture<GoalResult<R>> result() {
            return future.copy();
        }

        // GoalContext

        @Override
        public Instant acceptedAt() {
            return acceptedAt;
        }

        @Override
        public boolean isCancelRequested() {
            synchronized (lock) {
                return cancelRequested || expired;
            }
        }

        @Override
        public void onCancel(Runnable hook) {
            Objects.requireNonNull(hook, "hook");
            synchronized (lock) {
                if (!cancelRequested && !expired) {
                    cancelHooks.add(hook);
                    return;
                }
            }
            runHooks(List.of(hook));
        }

        @Override
        public void publishFeedback(F feedback) {
            Objects.requireNonNull(feedback, "feedback");
            synchronized (lock) {
                if (status != GoalStatus.EXECUTING && status != GoalStatus.CANCELING) {
                    return;
                }
                events.add(() -> observer.onFeedback(id, feedback));
            }
            drain();
        }

        @Override
        public String toString() {
            return "goal " + id;
        }
    }

    /**
     * Configures an {@link ActionServer}.
     *
     * @param <G> the goal type
     * @param <F> the feedback type
     * @param <R> the result type
     */
    public static final class Builder<G, F, R> {
        private final String name;
        private final GoalHandler<G, F, R> handler;
        private GoalPolicy policy = GoalPolicy.QUEUE;
        private int maxConcurrentGoals = 1;
        private int queueCapacity = 16;
        private ResultRetention retention = ResultRetention.defaults();
        private Clock clock = Clock.systemUTC();
        private Duration closeTimeout = Duration.ofSeconds(5);
        private GoalDeadlines<G, R> deadlines;

        @SuppressWarnings("unchecked")
        private Builder(String name, GoalHandler<G, F, R> handler) {
            this.name = Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("server name must not be blank");
            }
            this.handler = Objects.requireNonNull(handler, "handler");
            if (handler instanceof GoalDeadlines<?, ?> d) {
                // a handler that knows its goals' deadlines is, by its own type, for these goals and results
                this.deadlines = (GoalDeadlines<G, R>) d;
            }
        }

        /**
         * The deadlines to enforce (default: the handler's, when it implements {@link GoalDeadlines}; else none).
         */
        public Builder<G, F, R> deadlines(GoalDeadlines<G, R> deadlines) {
            this.deadlines = Objects.requireNonNull(deadlines, "deadlines");
            return this;
        }

        /** What to do with goals that arrive while busy (default {@link GoalPolicy#QUEUE}). */
        public Builder<G, F, R> policy(GoalPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** How many goals execute at once (default 1). */
        public Builder<G, F, R> maxConcurrentGoals(int max) {
            if (max < 1 || max > 1024) {
                throw new IllegalArgumentException("maxConcurrentGoals must be in [1, 1024], got " + max);
            }
            this.maxConcurrentGoals = max;
            return this;
        }

        /**
         * How many goals may wait under {@link GoalPolicy#QUEUE} (default 16). A goal that arrives when that many wait
         * is rejected ({@link GoalRejectedException}; a transport answers it ABORTED, with the fallback result where
         * there are {@link GoalDeadlines}).
         */
        public Builder<G, F, R> queueCapacity(int capacity) {
            if (capacity < 0 || capacity > 100_000) {
                throw new IllegalArgumentException("queueCapacity must be in [0, 100000], got " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /** How many results are kept, and how long (default 1000 for 15 minutes). */
        public Builder<G, F, R> resultRetention(ResultRetention retention) {
            this.retention = Objects.requireNonNull(retention, "retention");
            return this;
        }

        /** The clock for acceptance and finishing times (tests use a fixed or offset clock). */
        public Builder<G, F, R> clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long {@link ActionServer#close()} waits for cancelled handlers (default 5 s). */
        public Builder<G, F, R> closeTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("close timeout must not be negative");
            }
            this.closeTimeout = timeout;
            return this;
        }

        /** Builds the server; it accepts goals at once. */
        public ActionServer<G, F, R> build() {
            return new ActionServer<>(this);
        }
    }
}

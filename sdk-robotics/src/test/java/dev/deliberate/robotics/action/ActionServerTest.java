package dev.deliberate.robotics.action;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.robotics.GoalRejectedException;
import dev.deliberate.robotics.InvalidGoalException;
import dev.deliberate.robotics.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ActionServerTest {

    /** Records every event of every goal, in delivery order. */
    static final class Recorder implements GoalObserver<String, String> {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onStatus(GoalId id, GoalStatus status) {
            events.add("status:" + status);
        }

        @Override
        public void onFeedback(GoalId id, String feedback) {
            events.add("feedback:" + feedback);
        }

        @Override
        public void onResult(GoalResult<String> result) {
            events.add("result:" + result.status() + ":" + result.result().orElse("-"));
        }
    }

    /** A handler that waits for a latch (or a cancel) before answering; counts how many run at once. */
    static final class Gate implements GoalHandler<String, String, String> {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();
        final List<String> order = Collections.synchronizedList(new ArrayList<>());

        @Override
        public GoalOutcome<String> execute(String goal, GoalContext<String> ctx) {
            int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            order.add(goal);
            CountDownLatch cancelled = new CountDownLatch(1);
            ctx.onCancel(cancelled::countDown);
            started.countDown();
            try {
                while (true) {
                    if (cancelled.await(1, TimeUnit.MILLISECONDS)) {
                        return GoalOutcome.canceled("stopped " + goal);
                    }
                    if (release.await(1, TimeUnit.MILLISECONDS)) {
                        return GoalOutcome.succeeded("done " + goal);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return GoalOutcome.aborted("interrupted");
            } finally {
                running.decrementAndGet();
            }
        }
    }

    @Test
    void goalSucceedsThroughAcceptedExecutingSucceeded() {
        Recorder rec = new Recorder();
        try (var server = ActionServer.<String, String, String>builder("t", (g, ctx) -> {
            ctx.publishFeedback("working on " + g);
            return GoalOutcome.succeeded(g.toUpperCase());
        }).build()) {
            GoalHandle<String> h = server.submit("go", rec);
            GoalResult<String> r = h.result().join();
            assertEquals(GoalStatus.SUCCEEDED, r.status());
            assertEquals("GO", r.result().orElseThrow());
            assertEquals(List.of("status:ACCEPTED", "status:EXECUTING", "feedback:working on go",
                    "status:SUCCEEDED", "result:SUCCEEDED:GO"), rec.events);
            assertEquals(GoalStatus.SUCCEEDED, h.status());
            assertEquals(GoalStatus.SUCCEEDED, server.result(h.id()).orElseThrow().status());
        }
    }

    @Test
    void cancelOfExecutingGoalRunsHookAndEndsCanceled() throws Exception {
        Gate gate = new Gate();
        Recorder rec = new Recorder();
        try (var server = ActionServer.builder("t", gate).build()) {
            GoalHandle<String> h = server.submit("a", rec);
            gate.started.await();
            assertEquals(CancelResponse.ACCEPTED, h.cancel());
            GoalResult<String> r = h.result().join();
            assertEquals(GoalStatus.CANCELED, r.status());
            assertEquals("stopped a", r.result().orElseThrow());
            assertEquals(List.of("status:ACCEPTED", "status:EXECUTING", "status:CANCELING", "status:CANCELED",
                    "result:CANCELED:stopped a"), rec.events);
            assertEquals(CancelResponse.GOAL_TERMINATED, h.cancel());
        }
    }

    @Test
    void cancelOfWaitingGoalEndsItWithoutRunningIt() throws Exception {
        Gate gate = new Gate();
        try (var server = ActionServer.builder("t", gate).policy(GoalPolicy.QUEUE).build()) {
            server.submit("first", GoalObserver.ignoring());
            gate.started.await();
            Recorder rec = new Recorder();
            GoalHandle<String> waiting = server.submit("second", rec);
            assertEquals(GoalStatus.ACCEPTED, waiting.status());
            waiting.cancel();
            GoalResult<String> r = waiting.result().join();
            assertEquals(GoalStatus.CANCELED, r.status());
            assertTrue(r.result().isEmpty());
            gate.release.countDown();
            assertEquals(List.of("status:ACCEPTED", "status:CANCELING", "status:CANCELED", "result:CANCELED:-"),
                    rec.events);
            assertFalse(gate.order.contains("second"));
        }
    }

    @Test
    void queuePolicyRunsGoalsOneAfterAnotherInOrder() throws Exception {
        Gate gate = new Gate();
        try (var server = ActionServer.builder("t", gate).policy(GoalPolicy.QUEUE).build()) {
            List<GoalHandle<String>> handles = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                handles.add(server.submit("g" + i, GoalObserver.ignoring()));
            }
            gate.release.countDown();
            for (GoalHandle<String> h : handles) {
                assertEquals(GoalStatus.SUCCEEDED, h.result().join().status());
            }
            assertEquals(List.of("g0", "g1", "g2", "g3", "g4"), gate.order);
            assertEquals(1, gate.maxRunning.get());
        }
    }

    @Test
    void maxConcurrentGoalsBoundsParallelHandlers() throws Exception {
        Gate gate = new Gate();
        try (var server = ActionServer.builder("t", gate).maxConcurrentGoals(3).build()) {
            List<GoalHandle<String>> handles = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                handles.add(server.submit("g" + i, GoalObserver.ignoring()));
            }
            long executing = handles.stream().filter(h -> h.status() == GoalStatus.EXECUTING).count();
            assertEquals(3, executing);
            gate.release.countDown();
            handles.forEach(h -> assertEquals(GoalStatus.SUCCEEDED, h.result().join().status()));
            assertTrue(gate.maxRunning.get() <= 3);
        }
    }

    @Test
    void fullQueueRejectsNewGoals() throws Exception {
        Gate gate = new Gate();
        try (var server = ActionServer.builder("t", gate).queueCapacity(1).build()) {
            server.submit("running", GoalObserver.ignoring());
            gate.started.await();
            server.submit("waiting", GoalObserver.ignoring());
            GoalRejectedException e = assertThrows(GoalRejectedException.class,
                    () -> server.submit("too many", GoalObserver.ignoring()));
            assertTrue(e.getMessage().contains("queue is full"), e.getMessage());
            gate.release.countDown();
        }
    }

    @Test
    void rejectWhenBusyRefusesSecondGoalAndAcceptsAfterFirstEnds() throws Exception {
        Gate gate = new Gate();
        try (var server = ActionServer.builder("t", gate).policy(GoalPolicy.REJECT_WHEN_BUSY).build()) {
            GoalHandle<String> first = server.submit("first", GoalObserver.ignoring());
            assertThrows(GoalRejectedException.class, () -> server.submit("second", GoalObserver.ignoring()));
            gate.release.countDown();
            first.result().join();
            assertEquals(GoalStatus.SUCCEEDED, server.submit("third", GoalObserver.ignoring()).result().join()
                    .status());
        }
    }

    @Test
    void preemptCancelsRunningAndWaitingGoalsAndRunsTheNewOne() throws Exception {
        Gate gate = new Gate();
        try (var server = ActionServer.builder("t", gate).policy(GoalPolicy.PREEMPT).build()) {
            GoalHandle<String> old = server.submit("old", GoalObserver.ignoring());
            gate.started.await();
            GoalHandle<String> newer = server.submit("new", GoalObserver.ignoring());
            assertEquals(GoalStatus.CANCELED, old.result().join().status());
            gate.release.countDown();
            GoalResult<String> r = newer.result().join();
            assertEquals(GoalStatus.SUCCEEDED, r.status());
            assertEquals("done new", r.result().orElseThrow());
        }
    }

    @Test
    void handlerExceptionAbortsGoalAndServerKeepsServing() {
        AtomicInteger calls = new AtomicInteger();
        try (var server = ActionServer.<String, String, String>builder("t", (g, ctx) -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
            }
            return GoalOutcome.succeeded("ok");
        }).build()) {
            GoalResult<String> bad = server.submit("x", GoalObserver.ignoring()).result().join();
            assertEquals(GoalStatus.ABORTED, bad.status());
            assertTrue(bad.message().contains("boom"));
            assertEquals(GoalStatus.SUCCEEDED, server.submit("y", GoalObserver.ignoring()).result().join()
                    .status());
        }
    }

    @Test
    void canceledOutcomeWithoutCancelRequestBecomesAborted() {
        try (var server = ActionServer.<String, String, String>builder("t",
                (g, ctx) -> GoalOutcome.canceled("why")).build()) {
            GoalResult<String> r = server.submit("x", GoalObserver.ignoring()).result().join();
            assertEquals(GoalStatus.ABORTED, r.status());
        }
    }

    @Test
    void feedbackAfterTheEndIsDropped() {
        List<GoalContext<String>> leaked = new ArrayList<>();
        Recorder rec = new Recorder();
        try (var server = ActionServer.<String, String, String>builder("t", (g, ctx) -> {
            leaked.add(ctx);
            return GoalOutcome.succeeded("ok");
        }).build()) {
            server.submit("x", rec).result().join();
            leaked.get(0).publishFeedback("late");
            assertFalse(rec.events.contains("feedback:late"));
        }
    }

    @Test
    void resultsBeyondTheRetainedCountAreForgottenOldestFirst() {
        try (var server = ActionServer.<String, String, String>builder("t", (g, ctx) -> GoalOutcome.succeeded(g))
                .resultRetention(new ResultRetention(2, Duration.ofHours(1))).build()) {
            GoalId a = server.submit("a", GoalObserver.ignoring()).result().join().id();
            GoalId b = server.submit("b", GoalObserver.ignoring()).result().join().id();
            GoalId c = server.submit("c", GoalObserver.ignoring()).result().join().id();
            assertTrue(server.result(a).isEmpty());
            assertEquals("b", server.result(b).orElseThrow().result().orElseThrow());
            assertEquals("c", server.result(c).orElseThrow().result().orElseThrow());
            assertEquals(CancelResponse.UNKNOWN_GOAL, server.cancel(a));
            assertEquals(2, server.retainedResults());
        }
    }

    @Test
    void resultsOlderThanTheRetentionAgeAreForgotten() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (var server = ActionServer.<String, String, String>builder("t", (g, ctx) -> GoalOutcome.succeeded(g))
                .clock(clock).resultRetention(new ResultRetention(100, Duration.ofSeconds(10))).build()) {
            GoalId a = server.submit("a", GoalObserver.ignoring()).result().join().id();
            clock.advance(Duration.ofSeconds(6));
            GoalId b = server.submit("b", GoalObserver.ignoring()).result().join().id();
            clock.advance(Duration.ofSeconds(6));
            assertTrue(server.result(a).isEmpty());
            assertTrue(server.status(a).isEmpty());
            assertTrue(server.result(b).isPresent());
        }
    }

    @Test
    void cancelOfUnknownGoalSaysSo() {
        try (var server = ActionServer.<String, String, String>builder("t", (g, ctx) -> GoalOutcome.succeeded(g))
                .build()) {
            assertEquals(CancelResponse.UNKNOWN_GOAL, server.cancel(GoalId.random()));
        }
    }

    @Test
    void reusedGoalIdIsRejected() {
        try (var server = ActionServer.<String, String, String>builder("t", (g, ctx) -> GoalOutcome.succeeded(g))
                .build()) {
            GoalId id = GoalId.random();
            server.submit(id, "a", GoalObserver.ignoring()).result().join();
            assertThrows(GoalRejectedException.class, () -> server.submit(id, "b", GoalObserver.ignoring()));
        }
    }

    @Test
    void closeAbortsWaitingGoalsCancelsRunningOnesAndStopsItsThreads() throws Exception {
        Gate gate = new Gate();
        var server = ActionServer.builder("closing", gate).build();
        GoalHandle<String> running = server.submit("running", GoalObserver.ignoring());
        gate.started.await();
        GoalHandle<String> waiting = server.submit("waiting", GoalObserver.ignoring());
        server.close();
        assertEquals(GoalStatus.CANCELED, running.result().join().status());
        assertEquals(GoalStatus.ABORTED, waiting.result().join().status());
        assertThrows(GoalRejectedException.class, () -> server.submit("late", GoalObserver.ignoring()));
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("deliberate-action-closing-") && t.isAlive()));
        server.close(); // idempotent
    }

    @Test
    void manyThreadsSubmittingAndCancellingEndEveryGoalExactlyOnce() throws Exception {
        Map<GoalId, AtomicInteger> results = new ConcurrentHashMap<>();
        List<String> badTransitions = Collections.synchronizedList(new ArrayList<>());
        int threads = 8;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (var server = ActionServer.<String, String, String>builder("stress", (g, ctx) -> {
            ctx.publishFeedback("f");
            return ctx.isCancelRequested() ? GoalOutcome.canceled("c") : GoalOutcome.succeeded("s");
        }).maxConcurrentGoals(4).queueCapacity(threads * perThread).build()) {
            List<Future<List<GoalHandle<String>>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    List<GoalHandle<String>> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        GoalHandle<String> h = server.submit("g", new GoalObserver<>() {
                            private GoalStatus last = GoalStatus.UNKNOWN;

                            @Override
                            public void onStatus(GoalId id, GoalStatus status) {
                                if (!last.canTransitionTo(status)) {
                                    badTransitions.add(id + ": " + last + " -> " + status);
                                }
                                last = status;
                            }

                            @Override
                            public void onResult(GoalResult<String> r) {
                                results.computeIfAbsent(r.id(), k -> new AtomicInteger()).incrementAndGet();
                            }
                        });
                        if ((i + seed) % 3 == 0) {
                            h.cancel();
                        }
                        mine.add(h);
                    }
                    return mine;
                }));
            }
            List<GoalHandle<String>> all = new ArrayList<>();
            for (Future<List<GoalHandle<String>>> f : futures) {
                all.addAll(f.get());
            }
            for (GoalHandle<String> h : all) {
                assertTrue(h.result().join().status().isTerminal());
            }
            assertEquals(threads * perThread, results.size());
            assertTrue(results.values().stream().allMatch(n -> n.get() == 1));
            assertEquals(0, server.activeGoals());
            assertEquals(List.of(), badTransitions, "every goal followed the action_msgs status machine");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void statusMachineAllowsOnlyActionMsgsTransitions() {
        assertTrue(GoalStatus.ACCEPTED.canTransitionTo(GoalStatus.EXECUTING));
        assertTrue(GoalStatus.EXECUTING.canTransitionTo(GoalStatus.CANCELING));
        assertTrue(GoalStatus.CANCELING.canTransitionTo(GoalStatus.CANCELED));
        assertFalse(GoalStatus.EXECUTING.canTransitionTo(GoalStatus.CANCELED));
        assertFalse(GoalStatus.SUCCEEDED.canTransitionTo(GoalStatus.ABORTED));
        assertFalse(GoalStatus.ACCEPTED.canTransitionTo(GoalStatus.SUCCEEDED));
        assertEquals(6, GoalStatus.ABORTED.code());
        assertEquals(GoalStatus.CANCELING, GoalStatus.fromCode(3).orElseThrow());
        assertTrue(GoalStatus.fromCode(7).isEmpty());
    }

    @Test
    void goalIdRoundTripsThroughSixteenBytesAndText() {
        GoalId id = GoalId.random();
        assertEquals(id, GoalId.fromBytes(id.toBytes()));
        assertEquals(id, GoalId.parse(id.toString()));
        assertArrayEquals(new byte[16], GoalId.parse("00000000-0000-0000-0000-000000000000").toBytes());
        assertThrows(InvalidGoalException.class, () -> GoalId.parse("not-a-uuid"));
        assertThrows(InvalidGoalException.class, () -> GoalId.fromBytes(new byte[15]));
    }
}

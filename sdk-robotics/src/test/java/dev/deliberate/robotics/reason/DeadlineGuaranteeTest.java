package dev.deliberate.robotics.reason;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.budget.DecodeRateEstimator;
import dev.deliberate.robotics.action.ActionServer;
import dev.deliberate.robotics.action.GoalHandle;
import dev.deliberate.robotics.action.GoalObserver;
import dev.deliberate.robotics.action.GoalPolicy;
import dev.deliberate.robotics.action.GoalResult;
import dev.deliberate.robotics.action.GoalStatus;
import dev.deliberate.robotics.testing.TestModels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Every goal is answered by its deadline, counted from its arrival, wherever it waits: in the queue, while the model
 * thinks, while a cancel winds down a stuck model, after preemption, and while other threads keep every core busy.
 * The margin asserted here (150 ms) is generous because the build machine is shared (load averages above 15 on 2
 * cores were seen); before the watchdog, these goals came 0.3 to 4.7 s late. The measured distribution is in the
 * closed-loop benchmark (docs/benchmarks.md).
 */
class DeadlineGuaranteeTest {

    static final DecisionGuard GUARD = DecisionGuard.of(DeadlineReasonerTest.SCHEMA);
    static final String FALLBACK = DeadlineReasonerTest.FALLBACK;
    /** The result must be delivered by deadline + this (asserted). */
    static final long MARGIN_MS = 150;

    static ReasonGoal goal(long deadlineMs) {
        return new ReasonGoal("obstacle on the lane", "{\"distance_m\":20}",
                RosDuration.of(Duration.ofMillis(deadlineMs)));
    }

    static DeadlineReasoner reasoner(dev.deliberate.core.ReasoningModel model) {
        return DeadlineReasoner.builder(model, GUARD, FALLBACK)
                .estimator(new DecodeRateEstimator(200, Duration.ofMillis(5), 20, 0.8)).build();
    }

    /** A goal's result future with the time it completed, measured from submission. */
    record Timed(GoalHandle<ReasonResult> handle, long submittedNanos, CompletableFuture<Long> doneNanos) {
        long elapsedMs() {
            return TimeUnit.NANOSECONDS.toMillis(doneNanos.join() - submittedNanos);
        }

        GoalResult<ReasonResult> result() {
            return handle.result().join();
        }
    }

    static Timed submit(ActionServer<ReasonGoal, ReasonFeedback, ReasonResult> server, long deadlineMs) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        long t0 = System.nanoTime();
        GoalHandle<ReasonResult> h = server.submit(goal(deadlineMs), new GoalObserver<>() {
            @Override
            public void onResult(GoalResult<ReasonResult> result) {
                done.complete(System.nanoTime());
            }
        });
        return new Timed(h, t0, done);
    }

    @Test
    void queuedGoalGetsItsFallbackByItsOwnDeadlineNotWhenTheGoalAheadEnds() throws Exception {
        try (var slow = new TestModels.SlowModel(Duration.ofMillis(2), false);
                var server = ActionServer.builder("reason", reasoner(slow)).build()) {
            Timed ahead = submit(server, 5000);
            Timed queued = submit(server, 300);
            Timed queuedToo = submit(server, 300);
            for (Timed t : List.of(queued, queuedToo)) {
                GoalResult<ReasonResult> r = t.result();
                assertTrue(t.elapsedMs() <= 300 + MARGIN_MS, "answered after " + t.elapsedMs() + " ms");
                assertEquals(GoalStatus.SUCCEEDED, r.status());
                assertTrue(r.result().orElseThrow().fallbackUsed());
                assertEquals(FALLBACK, r.result().orElseThrow().decisionJson());
                assertEquals(ReasonFinish.FALLBACK_DEADLINE.name(), r.result().orElseThrow().finish());
                assertTrue(r.result().orElseThrow().rationale().contains("queue"),
                        r.result().orElseThrow().rationale());
            }
            assertEquals(GoalStatus.EXECUTING, ahead.handle().status(), "the goal ahead is still thinking");
            ahead.handle().cancel();
            assertEquals(GoalStatus.CANCELED, ahead.result().status());
        }
    }

    @Test
    void stuckModelThatIgnoresCancelStillGivesTheFallbackByTheDeadlineAndFreesTheQueue() throws Exception {
        try (var stuck = new TestModels.SlowModel(Duration.ofMillis(2), true);
                var server = ActionServer.builder("reason", reasoner(stuck)).build()) {
            Timed first = submit(server, 200);
            Timed second = submit(server, 400);
            assertTrue(first.result().result().orElseThrow().fallbackUsed());
            assertTrue(first.elapsedMs() <= 200 + MARGIN_MS, "first after " + first.elapsedMs() + " ms");
            assertTrue(second.result().result().orElseThrow().fallbackUsed());
            assertTrue(second.elapsedMs() <= 400 + MARGIN_MS, "second after " + second.elapsedMs() + " ms");
        }
    }

    @Test
    void cancelOfAGoalWhoseModelIgnoresCancelEndsItCanceledAtOnce() throws Exception {
        try (var stuck = new TestModels.SlowModel(Duration.ofMillis(2), true);
                var server = ActionServer.builder("reason", reasoner(stuck)).build()) {
            Timed t = submit(server, 3000);
            stuck.firstToken.await();
            long c0 = System.nanoTime();
            t.handle().cancel();
            GoalResult<ReasonResult> r = t.result();
            long cancelMs = TimeUnit.NANOSECONDS.toMillis(t.doneNanos().join() - c0);
            assertEquals(GoalStatus.CANCELED, r.status());
            assertEquals(ReasonFinish.CANCELLED.name(), r.result().orElseThrow().finish());
            assertTrue(cancelMs < 500, "cancel took " + cancelMs + " ms");
        }
    }

    @Test
    void preemptedGoalEndsCanceledAndThePreemptingGoalMeetsItsDeadline() throws Exception {
        try (var stuck = new TestModels.SlowModel(Duration.ofMillis(2), true);
                var server = ActionServer.builder("reason", reasoner(stuck)).policy(GoalPolicy.PREEMPT).build()) {
            Timed old = submit(server, 5000);
            stuck.firstToken.await();
            Timed newer = submit(server, 250);
            assertEquals(GoalStatus.CANCELED, old.result().status());
            assertTrue(old.elapsedMs() < 1000, "preempted goal ended after " + old.elapsedMs() + " ms");
            GoalResult<ReasonResult> r = newer.result();
            assertTrue(newer.elapsedMs() <= 250 + MARGIN_MS, "preempting goal after " + newer.elapsedMs() + " ms");
            assertTrue(r.result().orElseThrow().fallbackUsed());
        }
    }

    @Test
    void everyDeadlineIsMetWhileOtherThreadsKeepEveryCoreBusy() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> burners = new ArrayList<>();
        for (int i = 0; i < 2 * cores; i++) {
            Thread t = new Thread(() -> {
                long x = 0;
                while (!stop.get()) {
                    x += System.nanoTime() % 7; // busy: never sleeps, never yields
                }
                if (x == 42) {
                    System.out.print("");
                }
            }, "cpu-burner-" + i);
            t.setDaemon(true);
            burners.add(t);
        }
        burners.forEach(Thread::start);
        Random random = new Random(7);
        try (var stuck = new TestModels.SlowModel(Duration.ofMillis(1), true);
                var server = ActionServer.builder("reason", reasoner(stuck)).queueCapacity(64).build()) {
            List<Timed> goals = new ArrayList<>();
            List<Long> deadlines = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                long d = 50 + random.nextInt(351);
                deadlines.add(d);
                goals.add(submit(server, d));
                if (i % 4 == 3) {
                    Thread.sleep(random.nextInt(30)); // arrivals spread over time, not one burst
                }
            }
            long[] late = new long[goals.size()];
            for (int i = 0; i < goals.size(); i++) {
                Timed t = goals.get(i);
                assertTrue(t.result().result().orElseThrow().fallbackUsed());
                late[i] = t.elapsedMs() - deadlines.get(i);
            }
            Arrays.sort(late);
            String distribution = "past deadline, ms: p50 " + late[late.length / 2] + ", max " + late[late.length - 1]
                    + " (" + burners.size() + " busy threads on " + cores + " cores)";
            System.out.println("CPU starvation: " + distribution);
            assertTrue(late[late.length - 1] <= MARGIN_MS, distribution);
        } finally {
            stop.set(true);
            for (Thread t : burners) {
                t.join();
            }
        }
    }
}

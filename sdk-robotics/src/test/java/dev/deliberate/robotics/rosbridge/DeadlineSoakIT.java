package dev.deliberate.robotics.rosbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.budget.DecodeRateEstimator;
import dev.deliberate.robotics.action.ActionServer;
import dev.deliberate.robotics.reason.DeadlineReasoner;
import dev.deliberate.robotics.reason.DecisionGuard;
import dev.deliberate.robotics.testing.Peers;
import dev.deliberate.robotics.testing.Relay;
import dev.deliberate.robotics.testing.RoslibCaller;
import dev.deliberate.robotics.testing.TestModels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A soak, bounded to seconds: roslib callers send bursts of goals with random deadlines and random cancels through the
 * relay while the relay is killed and restarted under them. Every goal whose caller kept its bridge connection gets
 * its result or cancellation by its deadline + margin; goals in flight when the bridge died are lost with the bridge
 * (the caller's connection is gone too), and the node leaks nothing: no active goals remain, and it serves again
 * after the restart.
 */
class DeadlineSoakIT {

    static final DecisionGuard GUARD = DecisionGuard.of(
            "{\"type\":\"object\",\"required\":[\"action\"],\"properties\":{\"action\":{\"enum\":[\"go\",\"stop\"]}}}");
    /**
     * Margin past the deadline for a result as roslib sees it: it includes two node.js processes and the relay hop,
     * measured from roslib's send. On the shared build machine (load averages of 20-25 on 2 cores were seen while
     * this was written) bursts of 30 came 160-580 ms late by that clock; without the watchdog, queued goals of a
     * burst came seconds late (they waited for every goal ahead). The node-side margin is measured by the closed-loop
     * benchmark (docs/benchmarks.md).
     */
    static final double MARGIN_MS = 1000;

    @BeforeAll
    static void peers() {
        Peers.nodeDir();
    }

    static RoslibCaller burst(Random random, int n, long[] deadlines, boolean[] cancelled) {
        RoslibCaller caller = new RoslibCaller();
        for (int i = 0; i < n; i++) {
            long d = 50 + random.nextInt(451);
            deadlines[i] = d;
            String args = "{\"task\":\"obstacle " + i + "\",\"context_json\":\"{}\",\"deadline\":{\"sec\":0,"
                    + "\"nanosec\":" + d * 1_000_000 + "}}";
            boolean cancel = random.nextInt(4) == 0;
            cancelled[i] = cancel;
            long after = random.nextInt((int) d);
            caller.goal(args, g -> {
                if (cancel) {
                    g.put("cancelAfterMs", after);
                }
            });
        }
        caller.plan().put("concurrent", true).put("timeoutMs", 5000);
        return caller;
    }

    static List<Double> check(RoslibCaller.Outcome out, long[] deadlines, boolean[] cancelled, int n) {
        List<Double> late = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            JsonNode g = out.goal(i);
            double margin = g.path("elapsedMs").asDouble() - deadlines[i];
            if (g.path("ok").asBoolean()) {
                assertTrue(g.path("result").path("fallback_used").asBoolean(), g.toString());
            } else {
                assertTrue(cancelled[i] && g.path("error").asText().contains("canceled"), g.toString());
            }
            late.add(margin);
        }
        System.out.println("soak burst margins (ms): " + late);
        for (int i = 0; i < n; i++) {
            assertTrue(late.get(i) <= MARGIN_MS, "goal " + i + " " + late.get(i) + " ms past its deadline: "
                    + out.goal(i));
        }
        return late;
    }

    @Test
    void randomDeadlinesAndCancelsWhileTheRelayRestartsMeetEveryDeadline() throws Exception {
        Random random = new Random(11);
        int n = 30;
        Relay relay = Relay.start(0);
        int port = relay.port();
        try (var stuck = new TestModels.SlowModel(Duration.ofMillis(2), true);
                var server = ActionServer.builder("reason", DeadlineReasoner.builder(stuck, GUARD,
                        "{\"action\":\"stop\"}").estimator(new DecodeRateEstimator(200, Duration.ofMillis(5), 20,
                        0.8)).build()).maxConcurrentGoals(2).queueCapacity(64).build();
                var node = RosbridgeActionNode.builder(relay.uri(), "/deliberate/reason", ReasonActionCodec.INSTANCE,
                        server).backoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), 2)).build()) {
            node.start();
            assertTrue(node.awaitReady(Duration.ofSeconds(20)));
            List<Double> late = new ArrayList<>();
            long[] d = new long[n];
            boolean[] c = new boolean[n];
            late.addAll(check(burst(random, n, d, c).run(relay.uri().toString(), Duration.ofSeconds(60)), d, c, n));

            // a burst during which the bridge dies
            long generation = node.readyGeneration();
            long[] d2 = new long[n];
            boolean[] c2 = new boolean[n];
            RoslibCaller doomed = burst(random, n, d2, c2);
            String url = relay.uri().toString();
            CompletableFuture<RoslibCaller.Outcome> lost = CompletableFuture.supplyAsync(() -> {
                try {
                    return doomed.run(url, Duration.ofSeconds(60));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(100 + random.nextInt(100)); // some goals queued, some executing
            relay.close();
            relay = Relay.start(port);
            assertTrue(node.awaitReadyAfter(generation, Duration.ofSeconds(30)), "re-advertised after restart");
            // its goals end with the bridge (roslib's caller may even exit on the lost connection): nothing to assert
            lost.handle((outcome, error) -> outcome).join();

            long[] d3 = new long[n];
            boolean[] c3 = new boolean[n];
            late.addAll(check(burst(random, n, d3, c3).run(relay.uri().toString(), Duration.ofSeconds(60)), d3, c3,
                    n));
            double[] sorted = late.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf("soak: %d goals, margin past deadline ms: p50 %.1f, p99 %.1f, max %.1f%n",
                    sorted.length, sorted[sorted.length / 2], sorted[(int) Math.ceil(sorted.length * 0.99) - 1],
                    sorted[sorted.length - 1]);
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (server.activeGoals() > 0 && System.nanoTime() < end) {
                Thread.sleep(20); // goals of the lost connection wind down (cancelled, or their deadline passes)
            }
            assertEquals(0, server.activeGoals(), "no goal left behind");
            assertEquals(2, node.connectionsOpened());
            assertEquals(List.of(), relay.protocolErrors());
            assertTrue(Arrays.stream(sorted).allMatch(m -> m <= MARGIN_MS));
        } finally {
            relay.close();
        }
    }
}

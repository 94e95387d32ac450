package dev.deliberate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.robotics.action.ActionServer;
import dev.deliberate.robotics.reason.DeadlineReasoner;
import dev.deliberate.robotics.reason.DecisionGuard;
import dev.deliberate.robotics.reason.FastPath;
import dev.deliberate.robotics.reason.ReflexRules;
import dev.deliberate.robotics.rosbridge.Backoff;
import dev.deliberate.robotics.rosbridge.LatestMessages;
import dev.deliberate.robotics.rosbridge.ReasonActionCodec;
import dev.deliberate.robotics.rosbridge.RosbridgeActionNode;
import dev.deliberate.robotics.testing.ChildProcess;
import dev.deliberate.robotics.testing.TestModels;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * Robotics, closed loop: a simulated two-lane road in Java (no ROS) drives the Reason action through the rosbridge
 * relay fixture and applies every decision it gets back.
 *
 * <p>Each episode: a vehicle at 10-16 m/s meets an obstacle 25-70 m ahead (sometimes a person, sometimes marked
 * novel, sometimes with the other lane free). The simulation ticks every 50 ms; it publishes the obstacle summary as
 * an observation ({@code std_msgs/String} on {@code /lane/obstacle}) at 20 Hz through the relay, and every 200 ms
 * sends a goal whose deadline is drawn uniformly from 100-600 ms. Decisions are applied when they arrive (stop:
 * brake at 6 m/s², slow_down: to the target speed, change_lane: move when the lane is free). The episode ends when
 * the vehicle stands, has passed the obstacle, or hit it. In the middle episode the relay is killed and restarted on
 * the same port.
 *
 * <p>The node runs the SDK's escalation: reflex rules (stop when closer than 8 m; a person escalates), then a fast
 * configuration (thinking budget 0, a third of the deadline), then deep reasoning in what is left. The model is real
 * llama.cpp inference on the tiny generated test model (random weights: decisions are meaningless, but every one is
 * grammar-constrained and validated), or with {@code --double} a test double that answers at once.
 *
 * <p>Reported: goals answered by deadline + margin, valid decisions, fallback rate, paths, margin p50/p99/max (as the
 * simulation sees them: goal sent to result received, through the relay both ways), and the bridge restart.
 *
 * <pre>
 * java -cp ... dev.deliberate.bench.LaneScenarioBenchmark [--episodes 20] [--seed 42] [--margin-ms 20] [--double]
 * </pre>
 */
public final class LaneScenarioBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SCHEMA = """
            {"type":"object","required":["action"],"additionalProperties":false,
             "properties":{"action":{"enum":["slow_down","change_lane","stop"]},
                           "target_speed_mps":{"type":"number","minimum":0,"maximum":20}}}""";
    static final String FALLBACK = "{\"action\":\"stop\"}";
    static final String RULES = """
            [{"when": {"pointer": "/distance_m", "below": 8}, "decide": {"action": "stop"},
              "why": "obstacle closer than 8 m: stop"},
             {"when": {"pointer": "/object", "equals": "person"}, "escalate": "a person may be on the lane"}]""";
    private static final String ACTION = "/deliberate/reason";

    private LaneScenarioBenchmark() {}

    /** Runs the benchmark; see the class comment. */
    public static void main(String[] args) throws Exception {
        int episodes = intArg(args, "--episodes", 20);
        long seed = intArg(args, "--seed", 42);
        double marginMs = intArg(args, "--margin-ms", 20);
        boolean useDouble = Arrays.asList(args).contains("--double");
        Path root = Path.of(stringArg(args, "--root", ".")).toAbsolutePath().normalize();
        Path npm = root.resolve("sdk-robotics/target/npm");
        if (!Files.isDirectory(npm.resolve("node_modules/ws"))) {
            System.err.println("ws missing: run sdk-robotics/src/test/node/install.sh first");
            System.exit(2);
        }
        try (Stream<Path> files = Files.list(root.resolve("sdk-robotics/src/test/node"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".mjs")).toList()) {
                Files.copy(f, npm.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path actionFile = root.resolve("sdk-robotics/ros2/deliberate_msgs/action/Reason.action");
        Path tiny = Files.createTempFile("lane-tiny", ".gguf");
        ReasoningModel model;
        if (useDouble) {
            model = new TestModels.InstantModel("{\"action\":\"slow_down\",\"target_speed_mps\":5}", 500);
        } else {
            TestModelGenerator.of(TestModelPreset.TINY, 42).writeGguf(tiny);
            model = ReasoningModels.open(ModelLocator.file(tiny), ModelOptions.defaults().with(dev.deliberate.llama.LlamaOptions.defaults().withThreads(intArg(args, "--threads", 1))));
        }
        System.out.printf("Lane scenario, closed loop: %d episodes, seed %d, model %s; %d cores, Java %s, load average "
                + "%.1f%n", episodes, seed, useDouble ? "instant test double" : "llama.cpp tiny random model",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        ChildProcess relay = startRelay(npm, actionFile, 0);
        int port = port(relay);
        URI uri = URI.create("ws://127.0.0.1:" + port);
        DecisionGuard guard = DecisionGuard.of(SCHEMA);
        LatestMessages observations = LatestMessages.defaults();
        DeadlineReasoner reasoner = DeadlineReasoner.builder(model, guard, FALLBACK)
                .reflexes(ReflexRules.parse(RULES))
                .fastPath(FastPath.noThinking())
                .observations(observations)
                .answerMaxTokens(32).maxThinkingTokens(128)
                .minimumAttempt(Duration.ofMillis(10))
                .build();
        Stats stats = new Stats();
        WatchdogProbe probe = new WatchdogProbe(reasoner);
        try (var server = ActionServer.builder("lane", reasoner).deadlines(probe).queueCapacity(16).build();
                var node = RosbridgeActionNode.builder(uri, ACTION, ReasonActionCodec.INSTANCE, server)
                        .observe(new RosbridgeActionNode.TopicSpec("/lane/obstacle", "std_msgs/msg/String"),
                                observations)
                        .backoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), 2)).build()) {
            node.start();
            if (!node.awaitReady(Duration.ofSeconds(30))) {
                throw new IllegalStateException("node did not advertise");
            }
            await(relay, "SUBSCRIBED /lane/obstacle");
            Random random = new Random(seed);
            warmUp(uri, guard);
            for (int e = 0; e < episodes; e++) {
                boolean restart = e == episodes / 2;
                SimClient client = SimClient.open(uri);
                try {
                    if (restart) {
                        long generation = node.readyGeneration();
                        relay = episodeWithRestart(random, client, guard, stats, relay, npm, actionFile, port);
                        long t0 = System.nanoTime();
                        if (!node.awaitReadyAfter(generation, Duration.ofSeconds(30))) {
                            throw new IllegalStateException("node did not re-advertise after the restart");
                        }
                        stats.readvertiseMs = (System.nanoTime() - t0) / 1e6 + stats.restartDownMs;
                    } else {
                        episode(random, client, guard, stats);
                    }
                } finally {
                    client.closeQuietly();
                }
            }
        } finally {
            relay.close();
            model.close();
            Files.deleteIfExists(tiny);
        }
        stats.print(marginMs);
        probe.print();
    }

    /**
     * The reasoner's deadlines, with the node-side lateness of every watchdog delivery: from the moment the goal's
     * deadline passed (arming time + deadline) to the moment the watchdog thread built its result.
     */
    private static final class WatchdogProbe
            implements dev.deliberate.robotics.action.GoalDeadlines<dev.deliberate.robotics.reason.ReasonGoal,
                    dev.deliberate.robotics.reason.ReasonResult> {
        private final DeadlineReasoner reasoner;
        private final Map<dev.deliberate.robotics.reason.ReasonGoal, Long> due =
                java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
        private final List<Double> late = java.util.Collections.synchronizedList(new ArrayList<>());

        WatchdogProbe(DeadlineReasoner reasoner) {
            this.reasoner = reasoner;
        }

        @Override
        public java.util.Optional<Duration> deadlineOf(dev.deliberate.robotics.reason.ReasonGoal goal) {
            java.util.Optional<Duration> d = reasoner.deadlineOf(goal);
            d.ifPresent(x -> due.put(goal, System.nanoTime() + x.toNanos()));
            return d;
        }

        @Override
        public dev.deliberate.robotics.action.GoalOutcome<dev.deliberate.robotics.reason.ReasonResult> expired(
                dev.deliberate.robotics.reason.ReasonGoal goal, Phase phase) {
            Long at = due.remove(goal);
            if (at != null) {
                late.add((System.nanoTime() - at) / 1e6);
            }
            return reasoner.expired(goal, phase);
        }

        @Override
        public dev.deliberate.robotics.reason.ReasonResult unreadable(String why) {
            return reasoner.unreadable(why);
        }

        void print() {
            double[] m = late.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (m.length > 0) {
                System.out.printf("node side: watchdog deliveries %d, lateness of the watchdog thread, ms: p50 %.2f  "
                        + "p99 %.2f  max %.2f%n", m.length, pct(m, 50), pct(m, 99), m[m.length - 1]);
            }
        }
    }

    /** A few goals first, so that JIT compilation and the estimator's first measurements are not in the figures. */
    private static void warmUp(URI uri, DecisionGuard guard) throws Exception {
        SimClient c = SimClient.open(uri);
        try {
            for (int i = 0; i < 10; i++) {
                c.goal(args("{\"distance_m\":40,\"speed_mps\":12}", 400)).get(10, TimeUnit.SECONDS);
            }
        } finally {
            c.closeQuietly();
        }
    }

    /** The vehicle's state in one episode. */
    private static final class Vehicle {
        double position;
        double speed;
        double targetSpeed;
        boolean braking;
        boolean changedLane;
        final double obstacleAt;
        final String object;
        final boolean novel;
        final boolean otherLaneFree;

        Vehicle(Random r) {
            speed = 10 + r.nextDouble() * 6;
            targetSpeed = speed;
            obstacleAt = 25 + r.nextDouble() * 45;
            String[] objects = {"cardboard box", "person", "unknown, 0.5 m tall", "traffic cone", "fallen branch"};
            object = objects[r.nextInt(objects.length)];
            novel = r.nextInt(10) == 0;
            otherLaneFree = r.nextBoolean();
        }

        double distance() {
            return obstacleAt - position;
        }

        String context() {
            ObjectNode o = JSON.createObjectNode();
            o.put("distance_m", Math.round(distance() * 10) / 10.0).put("speed_mps", Math.round(speed * 10) / 10.0)
                    .put("object", object).put("left_lane_free", otherLaneFree);
            if (novel) {
                o.put("novel", true);
            }
            return o.toString();
        }

        void apply(JsonNode decision) {
            switch (decision.path("action").asText()) {
                case "stop" -> braking = true;
                case "slow_down" -> targetSpeed = Math.min(targetSpeed, decision.path("target_speed_mps")
                        .asDouble(speed / 2));
                case "change_lane" -> {
                    if (otherLaneFree) {
                        changedLane = true;
                    } else {
                        braking = true; // not free: the vehicle's own safety layer brakes
                    }
                }
                default -> braking = true;
            }
        }

        void tick(double dt) {
            if (braking) {
                speed = Math.max(0, speed - 6 * dt);
            } else if (speed > targetSpeed) {
                speed = Math.max(targetSpeed, speed - 3 * dt);
            }
            position += speed * dt;
        }

        boolean over() {
            return speed == 0 || changedLane || distance() <= 0;
        }
    }

    private static void episode(Random r, SimClient c, DecisionGuard guard, Stats stats) throws Exception {
        run(r, c, guard, stats, () -> { });
    }

    private static ChildProcess episodeWithRestart(Random r, SimClient c, DecisionGuard guard, Stats stats,
            ChildProcess relay, Path npm, Path actionFile, int port) throws Exception {
        ChildProcess[] current = {relay};
        int[] tick = {0};
        run(r, c, guard, stats, () -> {
            if (++tick[0] == 10) { // half a second in: the bridge dies and comes back
                try {
                    long t0 = System.nanoTime();
                    current[0].close();
                    current[0] = startRelay(npm, actionFile, port);
                    stats.restartDownMs = (System.nanoTime() - t0) / 1e6;
                    stats.restarted = true;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        return current[0];
    }

    private static void run(Random r, SimClient c, DecisionGuard guard, Stats stats, Runnable onTick)
            throws Exception {
        Vehicle v = new Vehicle(r);
        stats.episodes++;
        List<Pending> pending = new ArrayList<>();
        long start = System.nanoTime();
        int ticks = 0;
        while (!v.over() && ticks < 400) {
            long due = start + ticks * 50_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // the simulation's clock: a fixed 20 Hz tick, not synchronisation
            }
            onTick.run();
            if (c.isOpen()) {
                c.publishObservation(v.object + ", " + Math.round(v.distance()) + " m ahead");
            }
            if (ticks % 4 == 0) {
                long deadline = 100 + r.nextInt(501);
                if (c.isOpen()) {
                    pending.add(new Pending(c.goal(args(v.context(), deadline)), deadline, System.nanoTime()));
                } else {
                    stats.notSent++;
                }
            }
            for (var it = pending.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (p.result.isDone()) {
                    it.remove();
                    record(p, guard, stats, v);
                }
            }
            v.tick(0.05);
            ticks++;
        }
        for (Pending p : pending) {
            try {
                p.result.get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // lost with the bridge: counted in record()
            }
            record(p, guard, stats, null);
        }
        if (v.distance() <= 0 && !v.changedLane) {
            stats.collisions++;
        }
    }

    private record Pending(CompletableFuture<JsonNode> result, long deadlineMs, long sentNanos) { }

    private static void record(Pending p, DecisionGuard guard, Stats stats, Vehicle v) {
        stats.goals++;
        JsonNode m;
        try {
            m = p.result.getNow(null);
        } catch (Exception e) {
            m = null;
        }
        if (m == null) {
            stats.lost++;
            return;
        }
        double margin = (m.path("receivedNanos").asLong() - p.sentNanos) / 1e6 - p.deadlineMs;
        stats.margins.add(margin);
        JsonNode values = m.path("values");
        String decision = values.path("decision_json").asText("");
        stats.statuses.merge(m.path("status").asInt(), 1, Integer::sum);
        if (values.path("fallback_used").asBoolean()) {
            stats.fallbacks++;
        }
        stats.paths.merge(values.path("path").asText("?"), 1, Integer::sum);
        var parsed = guard.parseAllowed(decision);
        if (parsed.isPresent()) {
            stats.valid++;
            if (v != null) {
                v.apply(parsed.get());
            }
        } else {
            stats.invalid++;
        }
        if ("reflex".equals(values.path("path").asText())) {
            stats.reflexRoundTrips.add((m.path("receivedNanos").asLong() - p.sentNanos) / 1e6);
        }
    }

    private static ObjectNode args(String context, long deadlineMs) {
        ObjectNode a = JSON.createObjectNode();
        a.put("task", "An obstacle is on our lane ahead. Decide: slow_down (with target_speed_mps), change_lane or "
                + "stop.").put("context_json", context);
        a.putObject("deadline").put("sec", deadlineMs / 1000).put("nanosec", (deadlineMs % 1000) * 1_000_000);
        return a;
    }

    /** Everything counted. */
    private static final class Stats {
        int episodes;
        int goals;
        int valid;
        int invalid;
        int fallbacks;
        int lost;
        int notSent;
        int collisions;
        boolean restarted;
        double restartDownMs;
        double readvertiseMs;
        final List<Double> margins = new ArrayList<>();
        final List<Double> reflexRoundTrips = new ArrayList<>();
        final Map<String, Integer> paths = new TreeMap<>();
        final Map<Integer, Integer> statuses = new TreeMap<>();

        void print(double marginMs) {
            double[] m = margins.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int answered = m.length;
            long inTime = Arrays.stream(m).filter(x -> x <= marginMs).count();
            System.out.println();
            System.out.printf("episodes %d, goals %d (answered %d, lost with the bridge %d, not sent while it was "
                    + "down %d), collisions %d%n", episodes, goals, answered, lost, notSent, collisions);
            System.out.printf("answered by deadline + %.0f ms: %d of %d (%.1f%%)%n", marginMs, inTime, answered,
                    100.0 * inTime / Math.max(1, answered));
            System.out.printf("valid decisions: %d of %d (%.1f%%); fallback rate %.1f%%%n", valid, answered,
                    100.0 * valid / Math.max(1, answered), 100.0 * fallbacks / Math.max(1, answered));
            System.out.println("paths: " + paths + "; status codes: " + statuses);
            if (m.length > 0) {
                System.out.printf("margin past deadline (received - (sent + deadline)), ms: p50 %.2f  p99 %.2f  "
                        + "max %.2f%n", pct(m, 50), pct(m, 99), m[m.length - 1]);
            }
            double[] rt = reflexRoundTrips.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (rt.length > 0) {
                System.out.printf("reflex path round trip (no model call), ms: p50 %.2f  p99 %.2f  max %.2f (%d)%n",
                        pct(rt, 50), pct(rt, 99), rt[rt.length - 1], rt.length);
            }
            System.out.printf("bridge restart: %s; relay down and back in %.0f ms, node re-advertised %.0f ms after "
                    + "the kill%n", restarted ? "done" : "not done", restartDownMs, readvertiseMs);
        }
    }

    private static double pct(double[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** The simulation's rosbridge client: publishes observations, sends goals, collects results. */
    private static final class SimClient extends WebSocketClient {
        private final Map<String, CompletableFuture<JsonNode>> goals = new ConcurrentHashMap<>();
        private int next;

        private SimClient(URI uri) {
            super(uri);
            setTcpNoDelay(true);
        }

        static SimClient open(URI uri) throws InterruptedException {
            SimClient c = new SimClient(uri);
            if (!c.connectBlocking(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("cannot connect to the relay at " + uri);
            }
            return c;
        }

        CompletableFuture<JsonNode> goal(ObjectNode args) {
            String id = "sim-" + (++next);
            CompletableFuture<JsonNode> f = new CompletableFuture<>();
            goals.put(id, f);
            ObjectNode m = JSON.createObjectNode().put("op", "send_action_goal").put("id", id).put("action", ACTION)
                    .put("action_type", "deliberate_msgs/action/Reason").put("feedback", false);
            m.set("args", args);
            send(m.toString());
            return f;
        }

        void publishObservation(String text) {
            ObjectNode m = JSON.createObjectNode().put("op", "publish").put("topic", "/lane/obstacle");
            m.putObject("msg").put("data", text);
            send(m.toString());
        }

        @Override
        public void onOpen(ServerHandshake handshake) { }

        @Override
        public void onMessage(String message) {
            long now = System.nanoTime();
            try {
                JsonNode m = JSON.readTree(message);
                if ("action_result".equals(m.path("op").asText())) {
                    CompletableFuture<JsonNode> f = goals.remove(m.path("id").asText());
                    if (f != null) {
                        ((ObjectNode) m).put("receivedNanos", now);
                        f.complete(m);
                    }
                }
            } catch (Exception e) {
                System.err.println("bad frame from the relay: " + e);
            }
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            goals.values().forEach(f -> f.completeExceptionally(new IllegalStateException("bridge gone")));
            goals.clear();
        }

        @Override
        public void onError(Exception ex) { }

        void closeQuietly() {
            try {
                closeBlocking();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ChildProcess startRelay(Path npm, Path actionFile, int port) throws Exception {
        ChildProcess relay = ChildProcess.start(npm, "relay.mjs", List.of("--port", Integer.toString(port),
                "--action", "deliberate_msgs/action/Reason=" + actionFile));
        await(relay, "LISTENING ");
        return relay;
    }

    private static int port(ChildProcess relay) throws InterruptedException {
        return Integer.parseInt(await(relay, "LISTENING ").substring("LISTENING ".length()).trim());
    }

    private static String await(ChildProcess child, String prefix) throws InterruptedException {
        return child.awaitLine(prefix, Duration.ofSeconds(60)).orElseThrow(() -> new IllegalStateException(
                "no '" + prefix + "' line; output: " + child.lines()));
    }

    private static int intArg(String[] args, String name, int dflt) {
        String v = stringArg(args, name, null);
        return v == null ? dflt : Integer.parseInt(v);
    }

    private static String stringArg(String[] args, String name, String dflt) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }
}

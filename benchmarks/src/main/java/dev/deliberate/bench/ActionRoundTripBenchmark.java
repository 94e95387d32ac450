package dev.deliberate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.llama.LlamaOptions;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningCall;
import dev.deliberate.core.ReasoningListener;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import dev.deliberate.robotics.action.ActionServer;
import dev.deliberate.robotics.reason.DeadlineReasoner;
import dev.deliberate.robotics.reason.DecisionGuard;
import dev.deliberate.core.budget.DecodeRateEstimator;
import dev.deliberate.robotics.reason.ReasonGoal;
import dev.deliberate.robotics.rosbridge.ReasonActionCodec;
import dev.deliberate.robotics.rosbridge.RosbridgeActionNode;
import dev.deliberate.robotics.testing.ChildProcess;
import dev.deliberate.robotics.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Robotics: the overhead of the Reason action over rosbridge, excluding reasoning, and deadline adherence.
 *
 * <ol>
 *   <li><b>Round trip</b>: a roslib 2.1.0 client sends goals one after another through the rosbridge-protocol relay
 *       (the test fixture {@code sdk-robotics/src/test/node/relay.mjs}) on loopback; the action server is first a
 *       roslib advertiser (the reference, measured in the same run), then the SDK's {@link RosbridgeActionNode} with
 *       an {@link ActionServer} and {@link DeadlineReasoner} over a model double that answers at once. Reported: p50,
 *       p90, p99, max of goal-sent to result-received, as seen by the client, and the ratio SDK / reference.</li>
 *   <li><b>Deadline adherence</b>: goals with random deadlines (fixed seed) to the SDK node over a model double that
 *       never answers and ignores cancel (the worst case: only the watchdog can deliver). Reported: the distribution
 *       of the margin = (result received by the client) - (goal sent + deadline).</li>
 * </ol>
 *
 * <p>The model doubles do not reason; they isolate the transport and the deadline logic. Needs node and roslib:
 * run {@code sdk-robotics/src/test/node/install.sh} first.
 *
 * <pre>
 * java -cp ... dev.deliberate.bench.ActionRoundTripBenchmark [--goals 1000] [--deadline-goals 200] [--seed 42]
 *      [--llama]   (also: deadline adherence with real llama.cpp on the tiny generated model)
 * </pre>
 */
public final class ActionRoundTripBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the benchmark's "model that answers at once" (a test double, not inference) decides. */
    private static final String DECISION_JSON = "{\"action\":\"slow_down\"}";
    private static final String SCHEMA = "{\"type\":\"object\",\"required\":[\"action\"],"
            + "\"properties\":{\"action\":{\"enum\":[\"slow_down\",\"change_lane\",\"stop\"]}}}";

    private ActionRoundTripBenchmark() {}

    /** Runs the benchmark; see the class comment for the options. */
    public static void main(String[] args) throws Exception {
        int goals = intArg(args, "--goals", 1000);
        int warmup = intArg(args, "--warmup", 200);
        int deadlineGoals = intArg(args, "--deadline-goals", 200);
        long seed = intArg(args, "--seed", 42);
        Path root = Path.of(stringArg(args, "--root", ".")).toAbsolutePath().normalize();
        Path npm = root.resolve("sdk-robotics/target/npm");
        Path scripts = root.resolve("sdk-robotics/src/test/node");
        if (!Files.isDirectory(npm.resolve("node_modules/roslib"))) {
            System.err.println("roslib missing: run sdk-robotics/src/test/node/install.sh first");
            System.exit(2);
        }
        try (Stream<Path> files = Files.list(scripts)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".mjs")).toList()) {
                Files.copy(f, npm.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path actionFile = root.resolve("sdk-robotics/ros2/deliberate_msgs/action/Reason.action");

        System.out.printf("Robotics action round trip: %d goals per server (+%d warm-up), loopback, relay fixture, "
                + "roslib 2.1.0 client; %d cores, Java %s, load average %.1f%n", goals, warmup,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        try (ChildProcess relay = node(npm, List.of("relay.mjs", "--port", "0", "--action",
                "deliberate_msgs/action/Reason=" + actionFile))) {
            String url = "ws://127.0.0.1:" + await(relay, "LISTENING ").substring("LISTENING ".length()).trim();

            // both servers are advertised at once under two names; one roslib client alternates its goals between
            // them, so that both are measured under the same (shared, noisy) machine load
            double[] reference;
            double[] sdk;
            TestModels.InstantModel instant = new TestModels.InstantModel(DECISION_JSON, 500);
            try (ChildProcess advertiser = node(npm, List.of("advertiser.mjs", "--url", url, "--action",
                    "/reference/reason"));
                    var server = ActionServer.builder("reason", reasoner(instant)).build();
                    var node = RosbridgeActionNode.builder(java.net.URI.create(url), "/deliberate/reason",
                            ReasonActionCodec.INSTANCE, server).build()) {
                await(advertiser, "READY");
                node.start();
                if (!node.awaitReady(Duration.ofSeconds(20))) {
                    throw new IllegalStateException("SDK node did not advertise");
                }
                await(relay, "ADVERTISED /reference/reason");
                await(relay, "ADVERTISED /deliberate/reason");
                int total = 2 * (goals + warmup);
                List<JsonNode> records = runCaller(npm, url, total, i -> 2000L,
                        i -> i % 2 == 0 ? "/reference/reason" : "/deliberate/reason");
                for (JsonNode r : records) {
                    if (!r.path("ok").asBoolean()) {
                        throw new IllegalStateException("goal failed: " + r);
                    }
                }
                reference = sortedElapsed(records, 0, 2 * warmup);
                sdk = sortedElapsed(records, 1, 2 * warmup);
            }
            System.out.println();
            System.out.println("round trip (goal sent -> result received), ms:");
            System.out.println("                        p50      p90      p99      max");
            printRow("roslib advertiser (ref)", reference);
            printRow("Deliberate SDK node", sdk);
            printRow("SDK in-process, no I/O", inProcess(goals + warmup, warmup));
            System.out.printf("ratio SDK / reference     %.2f     %.2f     %.2f%n",
                    pct(sdk, 50) / pct(reference, 50), pct(sdk, 90) / pct(reference, 90),
                    pct(sdk, 99) / pct(reference, 99));

            Random random = new Random(seed);
            long[] deadlines = new long[deadlineGoals];
            for (int i = 0; i < deadlineGoals; i++) {
                deadlines[i] = 20 + random.nextInt(481); // 20..500 ms
            }
            try (StuckModel stuck = new StuckModel()) {
                adherence(npm, url, reasoner(stuck), deadlines, String.format("%d goals, deadlines uniform in "
                        + "[20, 500] ms (seed %d), model that never answers (only the watchdog delivers)",
                        deadlineGoals, seed));
            }
            if (flag(args, "--llama")) {
                Path tiny = Files.createTempFile("tiny", ".gguf");
                try {
                    TestModelGenerator.of(TestModelPreset.TINY, 42).writeGguf(tiny);
                    try (ReasoningModel llama = ReasoningModels.open(ModelLocator.file(tiny),
                            ModelOptions.defaults().with(LlamaOptions.defaults().withThreads(2)))) {
                        DeadlineReasoner real = DeadlineReasoner.builder(llama, DecisionGuard.of(SCHEMA),
                                "{\"action\":\"stop\"}").answerMaxTokens(32).maxThinkingTokens(256).build();
                        adherence(npm, url, real, deadlines, String.format("%d goals, same deadlines, real "
                                + "llama.cpp on the tiny generated model (random weights; the estimator starts from "
                                + "its conservative prior)", deadlineGoals));
                    }
                } finally {
                    Files.deleteIfExists(tiny);
                }
            }
        }
    }

    private static void adherence(Path npm, String url, DeadlineReasoner reasoner, long[] deadlines, String what)
            throws Exception {
        int n = deadlines.length;
        double[] margins = new double[n];
        java.util.Map<String, Integer> finishes = new java.util.TreeMap<>();
        try (var server = ActionServer.builder("reason", reasoner).build();
                var node = RosbridgeActionNode.builder(java.net.URI.create(url), "/deliberate/reason",
                        ReasonActionCodec.INSTANCE, server).build()) {
            node.start();
            if (!node.awaitReady(Duration.ofSeconds(20))) {
                throw new IllegalStateException("SDK node did not advertise");
            }
            for (JsonNode r : runCaller(npm, url, n, i -> deadlines[i], i -> "/deliberate/reason")) {
                int i = r.path("index").asInt();
                margins[i] = r.path("elapsedMs").asDouble() - deadlines[i];
                finishes.merge(r.path("result").path("finish").asText("error: " + r.path("error").asText()), 1,
                        Integer::sum);
            }
        }
        double[] sorted = margins.clone();
        Arrays.sort(sorted);
        System.out.println();
        System.out.println("deadline adherence: " + what);
        System.out.println("  finish: " + finishes);
        System.out.printf("  margin (received - (sent + deadline)), ms: min %.2f  p50 %.2f  p90 %.2f  p99 %.2f"
                + "  max %.2f%n", sorted[0], pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), sorted[n - 1]);
        System.out.printf("  results later than deadline + 5 ms: %d; + 10 ms: %d; + 20 ms: %d (of %d)%n",
                Arrays.stream(margins).filter(m -> m > 5).count(), Arrays.stream(margins).filter(m -> m > 10).count(),
                Arrays.stream(margins).filter(m -> m > 20).count(), n);
    }

    private static boolean flag(String[] args, String name) {
        return Arrays.asList(args).contains(name);
    }

    private static DeadlineReasoner reasoner(ReasoningModel model) {
        return DeadlineReasoner.builder(model, DecisionGuard.of(SCHEMA), "{\"action\":\"stop\"}")
                .estimator(new DecodeRateEstimator(500, Duration.ofMillis(1), 8, 1.0))
                .minimumAttempt(Duration.ofMillis(5))
                .build();
    }

    /** The action server and reasoner alone: submit to result, same thread pool, no transport. */
    private static double[] inProcess(int n, int warmup) {
        double[] ms = new double[n - warmup];
        try (var server = ActionServer.builder("reason", reasoner(new TestModels.InstantModel(DECISION_JSON, 500)))
                .build()) {
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                server.submit(new ReasonGoal("unknown object on the lane", "{\"distance_m\":25}",
                        dev.deliberate.robotics.reason.RosDuration.of(Duration.ofSeconds(2))),
                        dev.deliberate.robotics.action.GoalObserver.ignoring()).result().join();
                if (i >= warmup) {
                    ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        Arrays.sort(ms);
        return ms;
    }

    private static double[] sortedElapsed(List<JsonNode> records, int parity, int skip) {
        double[] ms = records.stream()
                .filter(r -> r.path("index").asInt() % 2 == parity && r.path("index").asInt() >= skip)
                .mapToDouble(r -> r.path("elapsedMs").asDouble()).toArray();
        Arrays.sort(ms);
        return ms;
    }

    private static List<JsonNode> runCaller(Path npm, String url, int n, java.util.function.IntToLongFunction deadline,
            java.util.function.IntFunction<String> action) throws Exception {
        ObjectNode plan = JSON.createObjectNode();
        plan.put("action", "/deliberate/reason").put("type", "deliberate_msgs/action/Reason")
                .put("timeoutMs", 30000);
        ArrayNode goals = plan.putArray("goals");
        for (int i = 0; i < n; i++) {
            long ms = deadline.applyAsLong(i);
            ObjectNode goal = goals.addObject().put("action", action.apply(i));
            ObjectNode args = goal.putObject("args");
            args.put("task", "unknown object on the lane").put("context_json", "{\"distance_m\":25}");
            args.putObject("deadline").put("sec", ms / 1000).put("nanosec", (ms % 1000) * 1_000_000);
        }
        Path planFile = Files.createTempFile(npm, "plan", ".json");
        Files.writeString(planFile, JSON.writeValueAsString(plan));
        try (ChildProcess caller = node(npm, List.of("caller.mjs", "--url", url, "--plan-file",
                planFile.toString()))) {
            await(caller, "DONE ");
            List<JsonNode> out = new ArrayList<>();
            for (String line : caller.lines()) {
                if (line.startsWith("GOAL ")) {
                    out.add(JSON.readTree(line.substring(5)));
                }
            }
            return out;
        } finally {
            Files.deleteIfExists(planFile);
        }
    }

    private static void printRow(String name, double[] sorted) {
        System.out.printf("%-23s %8.3f %8.3f %8.3f %8.3f%n", name, pct(sorted, 50), pct(sorted, 90),
                pct(sorted, 99), sorted[sorted.length - 1]);
    }

    private static double pct(double[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
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

    /** Starts {@code node ARGS} in {@code dir} (the first argument is the script). */
    private static ChildProcess node(Path dir, List<String> args) throws IOException {
        return ChildProcess.start(dir, args.get(0), args.subList(1, args.size()));
    }

    /** The first line of {@code child} starting with {@code prefix}; fails when it never comes. */
    private static String await(ChildProcess child, String prefix) throws InterruptedException {
        return child.awaitLine(prefix, Duration.ofMinutes(10)).orElseThrow(() -> new IllegalStateException(
                "no '" + prefix + "' line; output: " + child.lines()));
    }

    private static ModelInfo info(String name) {
        return new ModelInfo("benchmark-double", name, Optional.empty(), Optional.empty(), name, "", "",
                OptionalLong.empty(), 0);
    }

    /** Benchmark double, not inference: never answers and ignores cancel, so only the watchdog can deliver. */
    private static final class StuckModel implements ReasoningModel, AutoCloseable {
        private final List<CompletableFuture<Reasoning>> pending = new CopyOnWriteArrayList<>();

        @Override
        public ModelInfo info() {
            return ActionRoundTripBenchmark.info("stuck");
        }

        @Override
        public ReasoningCall start(ReasoningRequest request, ReasoningListener listener) {
            CompletableFuture<Reasoning> f = new CompletableFuture<>();
            pending.add(f);
            return new ReasoningCall() {
                @Override
                public void cancel() { } // stuck: ignores it

                @Override
                public CompletableFuture<Reasoning> future() {
                    return f;
                }
            };
        }

        @Override
        public void close() {
            pending.forEach(f -> f.cancel(false));
        }
    }
}

package dev.deliberate.bench;

import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningCall;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.ReasoningListener;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.core.Timings;
import dev.deliberate.core.Usage;
import dev.deliberate.core.cascade.Cascade;
import dev.deliberate.core.council.Council;
import dev.deliberate.core.council.CouncilOptions;
import dev.deliberate.core.council.CouncilResult;
import dev.deliberate.core.council.MemberOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Council orchestration overhead and cascade fast-path overhead, against stub members with a fixed latency (so the
 * members' own generation time is known exactly and everything else is the SDK's).
 *
 * <ol>
 *   <li><b>Council overhead</b>: three remote-like members (latencies 60, 80, 100 ms, answering a JSON schema), with
 *       cross-review, and once more with a council deadline (the deadline planner in the path). Overhead = council
 *       wall time minus, per stage, the slowest member's own call time (its {@code Timings.total}, measured by the
 *       stub from {@code start} to completion). Also reported: wall time against the slowest and against the sum of
 *       the members' latencies.</li>
 *   <li><b>Cascade fast path</b>: a model that answers at once (completed in {@code start}, no thread); mean time of
 *       {@code model.reason(request)} directly, against {@code cascade.run(request)} whose fast step accepts that
 *       answer (confidence rule included).</li>
 * </ol>
 *
 * Run: {@code java -cp ... dev.deliberate.bench.CouncilOverheadBenchmark [rounds]}
 */
public final class CouncilOverheadBenchmark {

    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"urgent\":{\"type\":\"boolean\"},"
            + "\"confidence\":{\"type\":\"number\"}},\"required\":[\"urgent\",\"confidence\"]}";

    private CouncilOverheadBenchmark() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        ReasoningRequest request = ReasoningRequest.builder().user("Is it urgent?")
                .answerFormat(AnswerFormat.jsonSchema(SCHEMA)).thinkingBudget(ThinkingBudget.tokens(256)).build();
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stub-member");
            t.setDaemon(true);
            return t;
        });
        long[] latencies = {60, 80, 100};
        System.out.printf("Council orchestration overhead: 3 stub members (latency %s ms), %d rounds after 5 warm-up%n",
                Arrays.toString(latencies), rounds);
        for (boolean deadline : new boolean[] {false, true}) {
            Council.Builder b = Council.builder();
            for (int i = 0; i < latencies.length; i++) {
                b.member("m" + i, new FixedLatencyModel("m" + i, Duration.ofMillis(latencies[i]), pool,
                        "{\"urgent\":" + (i < 2) + ",\"confidence\":0.9}"));
            }
            CouncilOptions.Builder ob = CouncilOptions.builder();
            if (deadline) {
                ob.deadline(Duration.ofSeconds(30));
            }
            Council council = b.options(ob.build()).build();
            for (int i = 0; i < 5; i++) {
                council.deliberate(request);
            }
            double[] wall = new double[rounds];
            double[] overhead = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                CouncilResult r = council.deliberate(request);
                double total = r.timings().total().toNanos() / 1e6;
                double critical = slowest(r.members()) + slowest(r.reviewCalls());
                wall[i] = total;
                overhead[i] = total - critical;
            }
            double w = median(wall);
            double o = median(overhead);
            double slowestTwoStages = 2 * latencies[2];
            double sumTwoStages = 2 * Arrays.stream(latencies).sum();
            System.out.printf("  %-22s wall %7.2f ms  overhead %5.2f ms = %4.2f%% of wall  (p90 overhead %.2f ms)%n",
                    deadline ? "with a 30 s deadline" : "no deadline", w, o, 100 * o / w, p90(overhead));
            System.out.printf("  %-22s wall / slowest-member path (%.0f ms) = %.3f;  wall / sum of members (%.0f ms)"
                    + " = %.3f%n", "", slowestTwoStages, w / slowestTwoStages, sumTwoStages, w / sumTwoStages);
        }

        System.out.println();
        int calls = Math.max(20_000, rounds * 1000);
        ReasoningModel instant = new InstantModel("{\"urgent\":false,\"confidence\":0.95}");
        Cascade cascade = Cascade.builder().fast("fast", instant, ThinkingBudget.none())
                .deep("deep", instant, ThinkingBudget.tokens(1024))
                .rule(dev.deliberate.core.cascade.CascadeRule.confidenceBelow("/confidence", 0.8)).build();
        ReasoningRequest fastRequest = request.toBuilder().thinkingBudget(ThinkingBudget.none()).build();
        for (int i = 0; i < calls; i++) { // warm-up
            instant.reason(fastRequest);
            cascade.run(request);
        }
        double[] direct = new double[5];
        double[] viaCascade = new double[5];
        for (int k = 0; k < 5; k++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                instant.reason(fastRequest);
            }
            direct[k] = (System.nanoTime() - t0) / 1e3 / calls;
            t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                if (!cascade.run(request).resolved()) {
                    throw new IllegalStateException("the fast path must accept");
                }
            }
            viaCascade[k] = (System.nanoTime() - t0) / 1e3 / calls;
        }
        double d = median(direct);
        double c = median(viaCascade);
        System.out.printf("Cascade fast path (%d calls x 5, median): model directly %.2f us/call, through the"
                + " cascade %.2f us/call; cascade adds %.2f us = %.4f ms%n", calls, d, c, c - d, (c - d) / 1000);
        pool.shutdownNow();
    }

    private static double slowest(List<MemberOutcome> outcomes) {
        double max = 0;
        for (MemberOutcome o : outcomes) {
            if (o.reasoning().isPresent()) {
                max = Math.max(max, o.reasoning().get().timings().total().toNanos() / 1e6);
            }
        }
        return max;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double p90(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.9) - 1)];
    }

    private static ModelInfo info(String name) {
        return new ModelInfo("stub", "stub:" + name, Optional.empty(), Optional.empty(), name, "stub", "",
                OptionalLong.empty(), 4096);
    }

    private static Reasoning reasoning(ReasoningRequest request, String answer, Duration total, String name,
            Instant startedAt) {
        Optional<com.fasterxml.jackson.databind.JsonNode> json = request.answerFormat() instanceof AnswerFormat.Json j
                ? Optional.of(j.parseAnswer(answer)) : Optional.empty();
        return new Reasoning("", answer, json, FinishReason.STOP, new Usage(10, 0, 5),
                new Timings(total, Duration.ZERO, total, 0), info(name), startedAt);
    }

    /** A remote-like member: answers after a fixed latency on a pooled thread; reviews agree with everything. */
    private static final class FixedLatencyModel implements ReasoningModel {
        private final String name;
        private final Duration latency;
        private final ExecutorService pool;
        private final String answer;

        FixedLatencyModel(String name, Duration latency, ExecutorService pool, String answer) {
            this.name = name;
            this.latency = latency;
            this.pool = pool;
            this.answer = answer;
        }

        @Override
        public ModelInfo info() {
            return CouncilOverheadBenchmark.info(name);
        }

        @Override
        public ReasoningCall start(ReasoningRequest request, ReasoningListener listener) {
            long t0 = System.nanoTime();
            Instant startedAt = Instant.now();
            CompletableFuture<Reasoning> f = new CompletableFuture<>();
            String text = answer;
            if (request.messages().get(0).content().startsWith("You review")) {
                List<String> labels = new ArrayList<>();
                ((AnswerFormat.Json) request.answerFormat()).schema().get("properties").fieldNames()
                        .forEachRemaining(labels::add);
                StringBuilder sb = new StringBuilder("{");
                for (String l : labels) {
                    sb.append(sb.length() > 1 ? "," : "").append('"').append(l)
                            .append("\":{\"agrees\":true,\"critique\":\"fine\"}");
                }
                text = sb.append('}').toString();
            }
            String reply = text;
            pool.execute(() -> {
                try {
                    TimeUnit.NANOSECONDS.sleep(latency.toNanos()); // the member's fixed "generation" time
                    Reasoning r = reasoning(request, reply, Duration.ofNanos(System.nanoTime() - t0), name,
                            startedAt);
                    listener.onEvent(new ReasoningEvent.AnswerDelta(reply, 0));
                    listener.onEvent(new ReasoningEvent.Done(r));
                    f.complete(r);
                } catch (RuntimeException | InterruptedException e) {
                    f.completeExceptionally(e);
                }
            });
            return new ReasoningCall() {
                @Override
                public void cancel() {
                }

                @Override
                public CompletableFuture<Reasoning> future() {
                    return f;
                }
            };
        }

        @Override
        public void close() {
        }
    }

    /** A model that answers at once, inside {@code start}: the cost of calling it is the caller's own. */
    private static final class InstantModel implements ReasoningModel {
        private final String answer;

        InstantModel(String answer) {
            this.answer = answer;
        }

        @Override
        public ModelInfo info() {
            return CouncilOverheadBenchmark.info("instant");
        }

        @Override
        public ReasoningCall start(ReasoningRequest request, ReasoningListener listener) {
            Reasoning r = reasoning(request, answer, Duration.ZERO, "instant", Instant.EPOCH);
            CompletableFuture<Reasoning> f = CompletableFuture.completedFuture(r);
            return new ReasoningCall() {
                @Override
                public void cancel() {
                }

                @Override
                public CompletableFuture<Reasoning> future() {
                    return f;
                }
            };
        }

        @Override
        public void close() {
        }
    }
}

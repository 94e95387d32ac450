package dev.deliberate.robotics.reason;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.budget.DecodeRateEstimator;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.llama.LlamaOptions;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.Sampling;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import dev.deliberate.robotics.action.ActionServer;
import dev.deliberate.robotics.action.GoalHandle;
import dev.deliberate.robotics.action.GoalId;
import dev.deliberate.robotics.action.GoalObserver;
import dev.deliberate.robotics.action.GoalResult;
import dev.deliberate.robotics.action.GoalStatus;
import dev.deliberate.robotics.testing.Peers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DeadlineReasoner on real llama.cpp inference (the core's llama.cpp backend) with a tiny random-weight Qwen2
 * model generated for the test by the project's Java generator. Its words are random: these tests check the deadline logic, the schema-constrained
 * answer, the rate estimator and cancellation on a real runtime, not the quality of decisions.
 */
class DeadlineReasonerLlamaIT {

    static final String SCHEMA = """
            {"type":"object","required":["action"],"additionalProperties":false,
             "properties":{"action":{"enum":["slow_down","change_lane","stop"]}}}""";
    static final DecisionGuard GUARD = DecisionGuard.of(SCHEMA);
    static final String FALLBACK = "{\"action\":\"stop\"}";

    static ReasoningModel model;

    @BeforeAll
    static void open() throws IOException {
        String nativeDir = System.getProperty("de.kherud.llama.tmpdir"); // set per module by the pom
        if (nativeDir != null) {
            Files.createDirectories(Path.of(nativeDir));
        }
        model = ReasoningModels.open(ModelLocator.file(tinyModel()),
                ModelOptions.defaults().with(LlamaOptions.defaults().withThreads(2)));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    /** Writes the tiny model (preset TINY, seed 42) with the project's Java generator, once per build. */
    static Path tinyModel() {
        Path file = Peers.moduleDir().resolve("target/test-models/tiny-42.gguf");
        if (!Files.isRegularFile(file)) {
            try {
                Files.createDirectories(file.getParent());
                Path tmp = Files.createTempFile(file.getParent(), "tiny", ".gguf.part");
                TestModelGenerator.of(TestModelPreset.TINY, 42).writeGguf(tmp);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write the tiny test model " + file, e);
            }
        }
        return file;
    }

    static int maxThinking = 256;

    static DeadlineReasoner reasoner(DecodeRateEstimator estimator) {
        return DeadlineReasoner.builder(model, GUARD, FALLBACK).estimator(estimator)
                .sampling(Sampling.greedy().withSeed(7)).answerMaxTokens(32).maxThinkingTokens(maxThinking)
                .feedbackInterval(Duration.ZERO)
                .build();
    }

    @Test
    void realModelDecidesWithinTheDeadlineAndTheEstimatorLearnsItsRate() {
        DecodeRateEstimator estimator = DecodeRateEstimator.conservative();
        double prior = estimator.tokensPerSecond();
        List<ReasonResult> seen = new java.util.ArrayList<>();
        try (var server = ActionServer.builder("reason", reasoner(estimator)).build()) {
            for (int i = 0; i < 3; i++) {
                Instant sent = Instant.now();
                GoalResult<ReasonResult> r = server.submit(new ReasonGoal("unknown object on the lane, 30 m ahead",
                        "{\"speed_mps\":12,\"lane_free_left\":true}", RosDuration.of(Duration.ofSeconds(4))),
                        GoalObserver.ignoring()).result().join();
                assertEquals(GoalStatus.SUCCEEDED, r.status(), r.message());
                ReasonResult result = r.result().orElseThrow();
                seen.add(result);
                // whatever the random model produced, the decision delivered is an allowed one
                assertTrue(GUARD.parseAllowed(result.decisionJson()).isPresent(), result.toString());
                assertTrue(Duration.between(sent, Instant.now()).compareTo(Duration.ofSeconds(6)) < 0);
                if (result.fallbackUsed()) {
                    // a random-weight model may well write an answer that does not validate: the fallback then
                    assertTrue(List.of("FALLBACK_INVALID_ANSWER", "FALLBACK_DEADLINE").contains(result.finish()),
                            result.toString());
                } else {
                    assertTrue(List.of("STOP", "THINKING_BUDGET", "DEADLINE", "LENGTH").contains(result.finish()),
                            result.finish());
                }
            }
        }
        assertTrue(estimator.samples() >= 1, "the estimator measured the real model: " + seen);
        assertTrue(estimator.tokensPerSecond() != prior, "and moved off its prior");
    }

    @Test
    void realModelUnderAOneMillisecondDeadlineGivesTheFallbackWithoutInference() {
        try (var server = ActionServer.builder("reason", reasoner(DecodeRateEstimator.conservative())).build()) {
            ReasonResult r = server.submit(new ReasonGoal("obstacle", "{}", RosDuration.of(Duration.ofMillis(1))),
                    GoalObserver.ignoring()).result().join().result().orElseThrow();
            assertTrue(r.fallbackUsed());
            assertEquals("FALLBACK_NO_TIME", r.finish());
        }
    }

    @Test
    void cancellingAGoalStopsRealGeneration() throws Exception {
        // a fast prior so that a long deadline gives a large thinking budget
        var estimator = new DecodeRateEstimator(500, Duration.ofMillis(20), 16, 1.0);
        CountDownLatch thinking = new CountDownLatch(1);
        try (var server = ActionServer.builder("reason", reasoner(estimator)).build()) {
            GoalHandle<ReasonResult> h = server.submit(new ReasonGoal("obstacle", "{}",
                    RosDuration.of(Duration.ofSeconds(60))), new GoalObserver<ReasonFeedback, ReasonResult>() {
                        @Override
                        public void onFeedback(GoalId id, ReasonFeedback f) {
                            if (f.phase().equals(ReasonFeedback.THINKING)) {
                                thinking.countDown();
                            }
                        }
                    });
            boolean sawThinking = thinking.await(30, TimeUnit.SECONDS);
            h.cancel();
            GoalResult<ReasonResult> r = h.result().get(30, TimeUnit.SECONDS);
            assertTrue(sawThinking, "the model thought (fast prior, 60 s deadline)");
            assertEquals(GoalStatus.CANCELED, r.status());
            // the model is free again: the next call runs
            ReasonResult next = server.submit(new ReasonGoal("obstacle", "{}", RosDuration.of(Duration.ofSeconds(4))),
                    GoalObserver.ignoring()).result().get(30, TimeUnit.SECONDS).result().orElseThrow();
            assertTrue(GUARD.parseAllowed(next.decisionJson()).isPresent());
        }
    }
}

package dev.deliberate.robotics.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningCall;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.ReasoningListener;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Timings;
import dev.deliberate.core.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test doubles of {@link ReasoningModel} for the action runtime, the transport and the deadline logic. They do NOT
 * reason: they replay fixed text. Real inference is tested with the llama.cpp backend where it is available.
 */
public final class TestModels {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TestModels() {}

    static ModelInfo info(String name) {
        return new ModelInfo("test-double", name, Optional.empty(), Optional.empty(), name, "", "",
                OptionalLong.empty(), 0);
    }

    /** Parses the answer when it validates against the request's schema, as the core does. */
    static Optional<JsonNode> parsedIfValid(ReasoningRequest request, String answer) {
        if (!(request.answerFormat() instanceof AnswerFormat.Json json)) {
            return Optional.empty();
        }
        try {
            JsonNode node = MAPPER.readTree(answer);
            return json.validate(node).isEmpty() ? Optional.of(node) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    static Reasoning reasoning(ReasoningRequest request, String thinking, String answer, FinishReason finish,
            int thinkingTokens, String name, Instant started, double rate) {
        Optional<JsonNode> json = finish == FinishReason.CANCELLED ? Optional.empty() : parsedIfValid(request, answer);
        return new Reasoning(thinking, answer, json, finish, new Usage(10, thinkingTokens, answer.isEmpty() ? 0 : 8),
                new Timings(Duration.ZERO, Duration.ZERO, Duration.between(started, Instant.now()), rate),
                info(name), started);
    }

    /**
     * Answers a fixed text at once, on the caller's thread, with a short fixed thinking. Records every request.
     * "A model that answers at once", as the transport tests and the round-trip benchmark need.
     */
    public static final class InstantModel implements ReasoningModel {
        private final String answer;
        private final double reportedRate;
        /** Every request seen, oldest first. */
        public final List<ReasoningRequest> requests = new CopyOnWriteArrayList<>();

        /** @param answer the answer text returned for every request */
        public InstantModel(String answer) {
            this(answer, 50);
        }

        /**
         * @param answer       the answer text
         * @param reportedRate the decode rate reported in the timings
         */
        public InstantModel(String answer, double reportedRate) {
            this.answer = answer;
            this.reportedRate = reportedRate;
        }

        @Override
        public ModelInfo info() {
            return TestModels.info("instant");
        }

        @Override
        public ReasoningCall start(ReasoningRequest request, ReasoningListener listener) {
            requests.add(request);
            Instant started = Instant.now();
            listener.onEvent(new ReasoningEvent.ThinkingDelta("The lane is blocked.", 5));
            listener.onEvent(new ReasoningEvent.AnswerDelta(answer, 0));
            Reasoning r = reasoning(request, "The lane is blocked.", answer, FinishReason.STOP, 5, "instant",
                    started, reportedRate);
            listener.onEvent(new ReasoningEvent.Done(r));
            CompletableFuture<Reasoning> f = CompletableFuture.completedFuture(r);
            return new ReasoningCall() {
                @Override
                public void cancel() { }

                @Override
                public CompletableFuture<Reasoning> future() {
                    return f;
                }
            };
        }

        @Override
        public void close() { }
    }

    /**
     * Thinks forever on its own thread, one "token" per {@code tokenInterval}, until cancelled; then ends with finish
     * CANCELLED. When {@code ignoresCancel}, it keeps going after cancel too (a stuck model), until the model is
     * closed. It never looks at the request's thinking budget, so only the caller's watchdog can bound it.
     */
    public static final class SlowModel implements ReasoningModel {
        private final Duration tokenInterval;
        private final boolean ignoresCancel;
        private final List<Thread> threads = new CopyOnWriteArrayList<>();
        private volatile boolean closed;
        /** Counts cancel() calls seen. */
        public final AtomicInteger cancels = new AtomicInteger();
        /** Counted down when a call has produced its first token. */
        public final CountDownLatch firstToken = new CountDownLatch(1);
        /** Counted down when a call ended. */
        public final CountDownLatch ended = new CountDownLatch(1);

        /**
         * @param tokenInterval time per generated thinking token
         * @param ignoresCancel whether cancel() is ignored (a stuck model)
         */
        public SlowModel(Duration tokenInterval, boolean ignoresCancel) {
            this.tokenInterval = tokenInterval;
            this.ignoresCancel = ignoresCancel;
        }

        @Override
        public ModelInfo info() {
            return TestModels.info("slow");
        }

        @Override
        public ReasoningCall start(ReasoningRequest request, ReasoningListener listener) {
            CompletableFuture<Reasoning> f = new CompletableFuture<>();
            Object signal = new Object();
            boolean[] cancelled = {false};
            Instant started = Instant.now();
            Thread t = new Thread(() -> {
                StringBuilder thinking = new StringBuilder();
                int tokens = 0;
                try {
                    while (!closed) {
                        synchronized (signal) {
                            if (cancelled[0] && !ignoresCancel) {
                                break;
                            }
                            signal.wait(Math.max(1, tokenInterval.toMillis()));
                            if (cancelled[0] && !ignoresCancel) {
                                break;
                            }
                        }
                        tokens++;
                        thinking.append("hmm ");
                        listener.onEvent(new ReasoningEvent.ThinkingDelta("hmm ", tokens));
                        firstToken.countDown();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Reasoning r = reasoning(request, thinking.toString(), "", FinishReason.CANCELLED, tokens, "slow",
                        started, 0);
                listener.onEvent(new ReasoningEvent.Done(r));
                f.complete(r);
                ended.countDown();
            }, "slow-model-call");
            t.setDaemon(true);
            threads.add(t);
            t.start();
            return new ReasoningCall() {
                @Override
                public void cancel() {
                    cancels.incrementAndGet();
                    synchronized (signal) {
                        cancelled[0] = true;
                        signal.notifyAll();
                    }
                }

                @Override
                public CompletableFuture<Reasoning> future() {
                    return f;
                }
            };
        }

        @Override
        public void close() {
            closed = true;
            for (Thread t : threads) {
                t.interrupt();
                try {
                    t.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Fails every call: at start when {@code failAtStart}, otherwise through the future. */
    public static final class FailingModel implements ReasoningModel {
        private final boolean failAtStart;

        /** @param failAtStart whether start() throws (else the future fails) */
        public FailingModel(boolean failAtStart) {
            this.failAtStart = failAtStart;
        }

        @Override
        public ModelInfo info() {
            return TestModels.info("failing");
        }

        @Override
        public ReasoningCall start(ReasoningRequest request, ReasoningListener listener) {
            if (failAtStart) {
                throw new dev.deliberate.core.BackendUnavailableException("test double: backend down");
            }
            CompletableFuture<Reasoning> f = CompletableFuture.failedFuture(
                    new dev.deliberate.core.DeliberateException("test double: generation failed"));
            return new ReasoningCall() {
                @Override
                public void cancel() { }

                @Override
                public CompletableFuture<Reasoning> future() {
                    return f;
                }
            };
        }

        @Override
        public void close() { }
    }
}

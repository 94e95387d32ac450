package dev.deliberate.core.testing;

import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.BackendUnavailableException;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A {@link ReasoningModel} test double with a scripted answer and a fixed latency: it thinks a fixed text, answers
 * after {@code latency} (cancel ends the wait at once), validates JSON answers like a real backend, and records the
 * requests it got and how many calls ran at once. "Down" stubs fail every call with
 * {@link BackendUnavailableException}.
 */
public final class StubModel implements ReasoningModel {

    private final String name;
    private final Function<ReasoningRequest, String> answer;
    private final Duration latency;
    private final boolean down;
    private final boolean local;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private final List<ReasoningRequest> requests = new CopyOnWriteArrayList<>();

    private StubModel(String name, Function<ReasoningRequest, String> answer, Duration latency, boolean down,
            boolean local) {
        this.name = name;
        this.answer = answer;
        this.latency = latency;
        this.down = down;
        this.local = local;
    }

    /** A remote-looking stub answering {@code text} after {@code latency}. */
    public static StubModel answering(String name, String text, Duration latency) {
        return new StubModel(name, r -> text, latency, false, false);
    }

    /** A stub whose answer depends on the request. */
    public static StubModel answering(String name, Function<ReasoningRequest, String> answer, Duration latency) {
        return new StubModel(name, answer, latency, false, false);
    }

    /** A stub whose backend is down: every call fails with {@link BackendUnavailableException}. */
    public static StubModel down(String name) {
        return new StubModel(name, r -> "", Duration.ZERO, true, false);
    }

    /** This stub, reporting a local model file (counts against a council's local-generation cap). */
    public StubModel asLocal() {
        return new StubModel(name, answer, latency, down, true);
    }

    /** The requests it got, in order. */
    public List<ReasoningRequest> requests() {
        return List.copyOf(requests);
    }

    /** The most calls that ran at once. */
    public int maxConcurrent() {
        return maxRunning.get();
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo("stub", "stub:" + name,
                local ? Optional.of(java.nio.file.Path.of(name + ".gguf")) : Optional.empty(),
                local ? Optional.of("ab".repeat(32)) : Optional.empty(), name, "stub", "", OptionalLong.empty(), 4096);
    }

    @Override
    public ReasoningCall start(ReasoningRequest request, ReasoningListener listener) {
        requests.add(request);
        CompletableFuture<Reasoning> future = new CompletableFuture<>();
        CountDownLatch cancelled = new CountDownLatch(1);
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        Thread t = new Thread(() -> {
            int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            Reasoning result = null;
            Throwable failure = null;
            try {
                if (down) {
                    throw new BackendUnavailableException("stub " + name + " is down: connection refused");
                }
                listener.onEvent(new ReasoningEvent.ThinkingDelta("stub thinking", 2));
                boolean wasCancelled = cancelled.await(latency.toNanos(), TimeUnit.NANOSECONDS);
                String text = wasCancelled ? "" : answer.apply(request);
                Optional<com.fasterxml.jackson.databind.JsonNode> json = Optional.empty();
                if (!wasCancelled && request.answerFormat() instanceof AnswerFormat.Json j) {
                    json = Optional.of(j.parseAnswer(text)); // throws InvalidAnswerException like a backend would
                }
                listener.onEvent(new ReasoningEvent.AnswerDelta(text, 0));
                Duration total = Duration.ofNanos(System.nanoTime() - t0);
                Reasoning r = new Reasoning("stub thinking", text, json,
                        wasCancelled ? FinishReason.CANCELLED : FinishReason.STOP, new Usage(10, 2, 5),
                        new Timings(Duration.ofMillis(1), Duration.ofMillis(1), total, 1000), info(), startedAt);
                listener.onEvent(new ReasoningEvent.Done(r));
                result = r;
            } catch (RuntimeException | InterruptedException e) {
                failure = e;
            }
            running.decrementAndGet(); // before completing: the caller may start the next call at once
            if (failure == null) {
                future.complete(result);
            } else {
                future.completeExceptionally(failure);
            }
        }, "stub-" + name);
        t.setDaemon(true);
        t.start();
        return new ReasoningCall() {
            @Override
            public void cancel() {
                cancelled.countDown();
            }

            @Override
            public CompletableFuture<Reasoning> future() {
                return future;
            }
        };
    }

    @Override
    public void close() {
    }
}

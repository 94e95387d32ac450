package dev.deliberate.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.InvalidAnswerException;
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

/**
 * A test double of {@link ReasoningModel} for the HTTP layer: it does NOT reason, it replays fixed thinking and answer
 * pieces on a thread of its own, as a backend would. Real inference is tested in the *IT classes on llama.cpp.
 *
 * <p>{@link #hold()} makes every call wait, after its first thinking piece, until {@link #release()} (or cancel);
 * {@link #forever()} makes it think until cancelled.
 */
final class ScriptedModel implements ReasoningModel {

    private final List<String> thinking;
    private final String answer;
    private volatile boolean forever;
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile boolean closed;
    /** Every request, in order. */
    final List<ReasoningRequest> requests = new CopyOnWriteArrayList<>();
    /** Every call's result, in order of ending. */
    final List<Reasoning> results = new CopyOnWriteArrayList<>();
    /** Counted down when a call has sent its first piece. */
    final CountDownLatch started = new CountDownLatch(1);
    /** Counted down when a call has ended. */
    final CountDownLatch ended = new CountDownLatch(1);

    ScriptedModel(List<String> thinking, String answer) {
        this.thinking = List.copyOf(thinking);
        this.answer = answer;
    }

    /** Calls wait after their first piece until {@link #release()}. */
    ScriptedModel hold() {
        gate = new CountDownLatch(1);
        return this;
    }

    void release() {
        gate.countDown();
    }

    /** Calls think until cancelled. */
    ScriptedModel forever() {
        forever = true;
        return this;
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo("test-double", "scripted", Optional.empty(), Optional.empty(), "scripted", "", "",
                OptionalLong.empty(), 4096);
    }

    @Override
    public ReasoningCall start(ReasoningRequest request, ReasoningListener listener) {
        requests.add(request);
        CompletableFuture<Reasoning> future = new CompletableFuture<>();
        Object signal = new Object();
        boolean[] cancelled = {false};
        Instant startedAt = Instant.now();
        Thread t = new Thread(() -> {
            try {
                future.complete(run(request, listener, signal, cancelled, startedAt));
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            } catch (InterruptedException e) {
                future.completeExceptionally(e);
            }
        }, "scripted-call");
        t.setDaemon(true);
        t.start();
        return new ReasoningCall() {
            @Override
            public void cancel() {
                synchronized (signal) {
                    cancelled[0] = true;
                    signal.notifyAll();
                }
                gate.countDown();
            }

            @Override
            public CompletableFuture<Reasoning> future() {
                return future;
            }
        };
    }

    private Reasoning run(ReasoningRequest request, ReasoningListener listener, Object signal, boolean[] cancelled,
            Instant startedAt) throws InterruptedException {
        StringBuilder thought = new StringBuilder();
        int tokens = 0;
        int i = 0;
        while (forever || i < thinking.size()) {
            String piece = thinking.isEmpty() ? "hmm " : thinking.get(i % thinking.size());
            i++;
            synchronized (signal) {
                if (cancelled[0] || closed) {
                    return finish(request, listener, thought.toString(), "", FinishReason.CANCELLED, tokens, 0,
                            startedAt);
                }
                if (forever) {
                    signal.wait(1); // pacing, not synchronisation: a token every millisecond or so
                }
            }
            tokens++;
            thought.append(piece);
            listener.onEvent(new ReasoningEvent.ThinkingDelta(piece, tokens));
            if (tokens == 1) {
                started.countDown();
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("scripted model: held call never released");
                }
            }
        }
        synchronized (signal) {
            if (cancelled[0]) {
                return finish(request, listener, thought.toString(), "", FinishReason.CANCELLED, tokens, 0,
                        startedAt);
            }
        }
        int half = answer.length() / 2;
        for (String piece : List.of(answer.substring(0, half), answer.substring(half))) {
            if (!piece.isEmpty()) {
                listener.onEvent(new ReasoningEvent.AnswerDelta(piece, 0));
            }
        }
        return finish(request, listener, thought.toString(), answer, FinishReason.STOP, tokens, 2, startedAt);
    }

    private Reasoning finish(ReasoningRequest request, ReasoningListener listener, String thought, String text,
            FinishReason finish, int thinkingTokens, int answerTokens, Instant startedAt) {
        Optional<JsonNode> json = Optional.empty();
        if (finish != FinishReason.CANCELLED && request.answerFormat() instanceof AnswerFormat.Json format) {
            try {
                json = Optional.of(format.parseAnswer(text));
            } catch (InvalidAnswerException e) {
                throw new InvalidAnswerException("scripted answer invalid: " + e.getMessage(), text, e.errors());
            }
        }
        Reasoning r = new Reasoning(thought, text, json, finish, new Usage(5, thinkingTokens, answerTokens),
                new Timings(Duration.ZERO, Duration.ZERO, Duration.between(startedAt, Instant.now()), 100),
                info(), startedAt);
        results.add(r);
        listener.onEvent(new ReasoningEvent.Done(r));
        ended.countDown();
        return r;
    }

    @Override
    public void close() {
        closed = true;
        gate.countDown();
    }
}

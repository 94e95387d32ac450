package dev.deliberate.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.ContextOverflowException;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.InvalidAnswerException;
import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningCall;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.ReasoningListener;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Timings;
import dev.deliberate.core.Usage;
import dev.deliberate.core.ServedBy;
import dev.deliberate.core.spi.ChatGenerator;
import dev.deliberate.core.spi.GenerationResult;
import dev.deliberate.core.spi.ModelBackend;
import dev.deliberate.core.spi.StopMatcher;
import dev.deliberate.core.spi.StopReason;
import dev.deliberate.core.spi.TextGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one implementation of {@link ReasoningModel} over any backend shape ({@link TextGenerator} or
 * {@link ChatGenerator}, adapted by {@link Turns}): the thinking split, budgets, deadlines, schema-constrained
 * answers with validation and retries, usage, timings and cancellation live here and nowhere else. (The name is
 * historical: it began with text generators only.)
 *
 * <p>Calls run one at a time on a single worker thread per model: the generator (and its native context) is never
 * used by two calls at once, and calls from several threads queue in order. A chat backend that declares a
 * {@link ChatGenerator#parallelism()} above 1 (a remote fleet) gets that many workers.
 *
 * <p>Cost of the thinking-to-answer switch: for text answers the model's own {@code </think>} does not end the
 * generation; the answer follows in the same stream. A new generation starts only when the SDK must close thinking
 * (budget, deadline) or constrain the answer (schema); its prompt extends the previous one, so backends with a
 * prompt cache evaluate only the few new tokens.
 */
public final class TextReasoningModel implements ReasoningModel {

    private static final Logger LOG = LoggerFactory.getLogger(TextReasoningModel.class);
    /** What the SDK appends to close thinking (DeepSeek-R1 convention). */
    static final String CLOSE_THINKING = "\n" + ThinkParser.CLOSE + "\n\n";
    /** Tokens kept free for the closing text the SDK appends. */
    static final int CLOSE_RESERVE = 8;
    private static final AtomicInteger IDS = new AtomicInteger();

    private final Turns generator;
    private final ExecutorService worker;
    private final java.util.Set<Call> live = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** @param generator the backend; this model owns it and closes it */
    public TextReasoningModel(TextGenerator generator) {
        this((ModelBackend) generator);
    }

    /** @param generator the backend; this model owns it and closes it */
    public TextReasoningModel(ChatGenerator generator) {
        this((ModelBackend) generator);
    }

    /** @param backend the backend, of either shape; this model owns it and closes it */
    public TextReasoningModel(ModelBackend backend) {
        this.generator = Turns.of(backend);
        String name = "deliberate-model-" + IDS.incrementAndGet();
        this.worker = Executors.newFixedThreadPool(generator.parallelism(), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public ModelInfo info() {
        return generator.info();
    }

    @Override
    public ReasoningCall start(ReasoningRequest request, ReasoningListener listener) {
        java.util.Objects.requireNonNull(request, "request");
        java.util.Objects.requireNonNull(listener, "listener");
        if (closed) {
            throw new DeliberateException("model " + info().locator() + " is closed");
        }
        Instant startedAt = Instant.now();
        long startNanos = System.nanoTime();
        Optional<Instant> deadline = request.thinkingBudget().deadline();
        if (deadline.isPresent() && !deadline.get().isAfter(startedAt)) {
            // only an absolute deadline can have passed; a timeout (ThinkingBudget.within) starts now
            throw new InvalidRequestException("the thinking deadline " + deadline.get() + " has already passed");
        }
        if (request.answerFormat() instanceof AnswerFormat.Json json && generator.canConstrain()) {
            generator.checkSchema(json.schema());
        }
        List<ChatMessage> messages = withFormatInstruction(request);
        Turns.Prompt prompt = generator.render(messages);
        int promptTokens = prompt.tokens();
        int context = generator.contextLength();
        int needed = promptTokens + request.answerMaxTokens() + CLOSE_RESERVE;
        if (context > 0 && needed > context) {
            throw new ContextOverflowException("the prompt takes " + promptTokens + " tokens; with the answer budget of "
                    + request.answerMaxTokens() + " tokens it needs " + needed + ", more than the context of "
                    + context + " tokens of model " + info().locator()
                    + " (shorten the conversation, lower the answer budget or load with a larger context)");
        }
        Call call = new Call(request, listener, prompt, promptTokens, startedAt, startNanos);
        live.add(call);
        call.future.whenComplete((r, e) -> live.remove(call));
        try {
            worker.execute(call::run);
        } catch (RejectedExecutionException e) {
            live.remove(call);
            throw new DeliberateException("model " + info().locator() + " is closed", e);
        }
        return call;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        live.forEach(Call::cancel);
        worker.shutdown();
        try {
            if (!worker.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("model {}: a generation did not stop within 60 s of close", info().locator());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        generator.close();
    }

    private List<ChatMessage> withFormatInstruction(ReasoningRequest request) {
        if (!(request.answerFormat() instanceof AnswerFormat.Json json) || generator.canConstrain()) {
            return request.messages();
        }
        // unconstrained backend: the model must at least be told the schema
        List<ChatMessage> out = new ArrayList<>(request.messages());
        out.add(ChatMessage.user(formatInstruction(json)));
        return out;
    }

    private static String formatInstruction(AnswerFormat.Json json) {
        return "After thinking, answer with only one JSON value (no prose, no code fence) that is valid against this"
                + " JSON Schema:\n" + json.schemaJson();
    }

    /** One call: its state lives here, touched only by the worker thread except the cancel flag. */
    private final class Call implements ReasoningCall {
        final ReasoningRequest request;
        final ReasoningListener listener;
        final Turns.Prompt prompt;
        int promptTokens;
        final Instant startedAt;
        final long startNanos;
        final CompletableFuture<Reasoning> future = new CompletableFuture<>();
        volatile boolean cancelled;

        final StringBuilder thinking = new StringBuilder();
        final StringBuilder answer = new StringBuilder();
        int thinkingTokens;
        int answerTokens;
        long firstTokenNanos = -1;
        long lastTokenNanos = -1;
        long thinkingEndNanos = -1;
        int generated;
        int attempt;
        boolean listenerFailed;
        /** Why the SDK closed the thinking, when it did (reported as {@link Reasoning#thinkingCut()}). */
        FinishReason thinkingCut;
        final List<ServedBy> servedBy = new ArrayList<>();

        Call(ReasoningRequest request, ReasoningListener listener, Turns.Prompt prompt, int promptTokens,
                Instant startedAt, long startNanos) {
            this.request = request;
            this.listener = listener;
            this.prompt = prompt;
            this.promptTokens = promptTokens;
            this.startedAt = startedAt;
            this.startNanos = startNanos;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public CompletableFuture<Reasoning> future() {
            return future;
        }

        void run() {
            try {
                Reasoning result = reason();
                fire(new ReasoningEvent.Done(result));
                future.complete(result);
            } catch (DeliberateException e) {
                future.completeExceptionally(e);
            } catch (RuntimeException | Error e) {
                future.completeExceptionally(new DeliberateException("reasoning failed on model "
                        + info().locator() + ": " + e, e));
            }
        }

        private Reasoning reason() {
            if (cancelled) {
                return result(FinishReason.CANCELLED, Optional.empty());
            }
            boolean schema = request.answerFormat() instanceof AnswerFormat.Json;
            int answerMax = request.answerMaxTokens();
            int room = generator.contextLength() == 0 ? Integer.MAX_VALUE
                    : generator.contextLength() - promptTokens - answerMax - CLOSE_RESERVE;
            int thinkLimit = Math.max(0, Math.min(request.thinkingBudget().maxTokens(), room));
            // a timeout counts from the call's start, not from when the request was built or the model loaded
            Optional<Instant> deadline = request.thinkingBudget().deadlineFor(startedAt);

            FinishReason cut = null; // why the SDK closed thinking, when it did
            String answerPrompt; // prompt for a separate answer generation; null when the answer is done
            if (thinkLimit == 0 || deadlinePassed(deadline)) {
                cut = thinkLimit == 0 ? FinishReason.THINKING_BUDGET : FinishReason.DEADLINE;
                thinkingCut = cut;
                thinkingEndNanos = System.nanoTime();
                answerPrompt = (prompt.opensThinking() ? "" : ThinkParser.OPEN) + CLOSE_THINKING;
            } else {
                // phase 1: think (and, for text answers, answer in the same stream). llama.cpp-style backends
                // enforce maxTokens exactly, which keeps the thinking bound hard whatever the piece count says.
                Phase1 p = new Phase1(schema, thinkLimit, answerMax, deadline);
                GenerationResult r = generator.generate(prompt, "", generator.firstMaxTokens(thinkLimit, answerMax,
                        request.thinkingBudget().isTokenBounded()),
                        request.sampling(), Optional.empty(), deadline, p::onPiece, () -> cancelled);
                served(r);
                if (r.promptTokens() > 0) {
                    promptTokens = r.promptTokens(); // the backend's count (a server's) is the one that was billed
                }
                p.reconcile(r);
                if (!schema && !cancelled && (p.parser.thinkingClosedByModel() || p.noThinking)
                        && r.stopReason() == StopReason.MAX_TOKENS && !p.answerLength && !p.stops.stopped()
                        && answerTokens < answerMax) {
                    // the thinking bound ended the stream inside the answer: continue it where it stopped
                    p.lastCount = 0;
                    r = generator.generate(prompt, p.raw.toString(), answerMax - answerTokens, request.sampling(),
                            Optional.empty(), Optional.empty(), p::onPiece, () -> cancelled);
                    served(r);
                    p.reconcile(r);
                }
                p.parser.finish();
                if (cancelled) {
                    return result(FinishReason.CANCELLED, Optional.empty());
                }
                ThinkParser.Phase phase = p.parser.phase();
                if (phase == ThinkParser.Phase.ANSWER && p.parser.thinkingClosedByModel() || p.noThinking) {
                    if (thinkingEndNanos < 0) {
                        thinkingEndNanos = System.nanoTime();
                    }
                    if (!schema) {
                        boolean length = p.answerLength || answerTokens >= answerMax
                                || r.stopReason() == StopReason.MAX_TOKENS && !p.stops.stopped();
                        return result(length ? FinishReason.LENGTH : FinishReason.STOP, Optional.empty());
                    }
                    answerPrompt = p.noThinking
                            ? ""
                            : p.raw.substring(0, (int) p.parser.rawCloseEnd()) + "\n\n";
                } else {
                    // thinking did not end by itself: the SDK closes it
                    cut = p.cut != null ? p.cut
                            : r.stopReason() == StopReason.MAX_TOKENS ? FinishReason.THINKING_BUDGET
                            : deadlinePassed(deadline) ? FinishReason.DEADLINE : null;
                    thinkingCut = cut;
                    thinkingEndNanos = System.nanoTime();
                    String raw = p.raw.toString();
                    String open = prompt.opensThinking() || p.parser.modelOpenedThinking() ? "" : ThinkParser.OPEN;
                    answerPrompt = open + raw + (raw.endsWith("\n") ? CLOSE_THINKING.substring(1)
                            : CLOSE_THINKING);
                }
            }
            FinishReason finish = answer(prompt, answerPrompt, answerMax);
            if (finish == FinishReason.CANCELLED) {
                return result(FinishReason.CANCELLED, Optional.empty());
            }
            if (finish == FinishReason.STOP && cut != null) {
                finish = cut;
            }
            Optional<JsonNode> json = Optional.empty();
            if (request.answerFormat() instanceof AnswerFormat.Json format) {
                json = Optional.of(validated(format, answerMax, finish));
                if (cancelled) {
                    return result(FinishReason.CANCELLED, Optional.empty());
                }
            }
            return result(finish, json);
        }

        /** Validates the answer; re-asks (bounded) with the errors when it does not validate. */
        private JsonNode validated(AnswerFormat.Json format, int answerMax, FinishReason finish) {
            while (true) {
                String text = answer.toString();
                try {
                    return format.parseAnswer(text);
                } catch (InvalidAnswerException e) {
                    fire(new ReasoningEvent.AttemptRejected(attempt, text, e.errors(),
                            attempt < request.answerRetries() && !cancelled));
                    if (attempt >= request.answerRetries() || cancelled) {
                        throw new InvalidAnswerException("model " + info().locator() + " gave no valid answer after "
                                + (attempt + 1) + " attempt(s): " + e.getMessage(), text, e.errors());
                    }
                    LOG.debug("answer attempt {} invalid: {}", attempt, e.errors());
                    attempt++;
                    answer.setLength(0);
                    List<ChatMessage> retry = new ArrayList<>(withFormatInstruction(request));
                    retry.add(ChatMessage.assistant(text));
                    retry.add(ChatMessage.user("That answer is not valid: " + String.join("; ", e.errors())
                            + ". " + formatInstruction(format)));
                    Turns.Prompt p = generator.render(retry);
                    int tokens = p.tokens();
                    int max = generator.contextLength() == 0 ? answerMax
                            : Math.min(answerMax, generator.contextLength() - tokens - CLOSE_RESERVE);
                    if (max < 1) {
                        throw new InvalidAnswerException("model " + info().locator() + " gave an invalid answer and"
                                + " the corrective retry does not fit the context: " + e.getMessage(), text,
                                e.errors());
                    }
                    String retryPrompt = (p.opensThinking() ? "" : ThinkParser.OPEN) + CLOSE_THINKING;
                    if (answer(p, retryPrompt, max) == FinishReason.CANCELLED) {
                        throw new InvalidAnswerException("call cancelled while retrying an invalid answer", text,
                                e.errors());
                    }
                }
            }
        }

        /**
         * Generates an answer after {@code prompt} and the assistant text {@code answerPrompt} (which closes the
         * thinking); returns STOP, LENGTH or CANCELLED.
         */
        private FinishReason answer(Turns.Prompt prompt, String answerPrompt, int answerMax) {
            Optional<JsonNode> constraint = Optional.empty();
            if (request.answerFormat() instanceof AnswerFormat.Json json && generator.canConstrain()) {
                constraint = Optional.of(json.schema());
            }
            StopMatcher stops = new StopMatcher(request.stop());
            ThinkParser parser = new ThinkParser(new ThinkParser.Output() {
                @Override
                public void thinking(String text) {
                    // unreachable: the parser starts after thinking
                }

                @Override
                public void answer(String text) {
                    emitAnswer(text);
                }
            }, ThinkParser.Phase.ANSWER, stops);
            int[] last = {0};
            GenerationResult r = generator.generate(prompt, answerPrompt, answerMax, request.sampling(), constraint,
                    Optional.empty(), (piece, count) -> {
                        if (cancelled) {
                            return false;
                        }
                        tick(count - last[0]);
                        answerTokens += count - last[0];
                        last[0] = count;
                        parser.accept(piece);
                        return !cancelled && !stops.stopped();
                    }, () -> cancelled);
            served(r);
            if (r.generatedTokens() > last[0]) {
                generated += r.generatedTokens() - last[0];
                answerTokens += r.generatedTokens() - last[0];
            }
            parser.finish();
            if (cancelled) {
                return FinishReason.CANCELLED;
            }
            if (r.stopReason() == StopReason.MAX_TOKENS && !stops.stopped()) {
                return FinishReason.LENGTH;
            }
            return FinishReason.STOP;
        }

        private void served(GenerationResult r) {
            r.servedBy().ifPresent(servedBy::add);
        }

        private boolean deadlinePassed(Optional<Instant> deadline) {
            return deadline.isPresent() && !Instant.now().isBefore(deadline.get());
        }

        /** Phase 1 state: thinking, and for text answers the answer that follows in the same stream. */
        private final class Phase1 implements ThinkParser.Output {
            final boolean schema;
            final int thinkLimit;
            final int answerMax;
            final Optional<Instant> deadline;
            final StringBuilder raw = new StringBuilder();
            final StopMatcher stops = new StopMatcher(request.stop());
            final ThinkParser parser;
            FinishReason cut;
            boolean answerLength;
            boolean noThinking;
            int lastCount;

            Phase1(boolean schema, int thinkLimit, int answerMax, Optional<Instant> deadline) {
                this.schema = schema;
                this.thinkLimit = thinkLimit;
                this.answerMax = answerMax;
                this.deadline = deadline;
                this.parser = new ThinkParser(this,
                        prompt.opensThinking() ? ThinkParser.Phase.THINKING : ThinkParser.Phase.UNDECIDED,
                        schema ? new StopMatcher(List.of()) : stops);
            }

            /** Tokens the backend generated beyond the pieces it streamed (merged pieces) go to the current phase. */
            void reconcile(GenerationResult r) {
                if (r.reasoningTokens().isPresent() && generated == lastCount && !cancelled
                        && r.stopReason() != StopReason.STOPPED_BY_SINK && !noThinking) {
                    // a complete first generation whose backend counted reasoning itself (a server's usage):
                    // its counts are the billed ones; piece counts were the client's estimate while streaming
                    thinkingTokens = r.reasoningTokens().getAsInt();
                    answerTokens = r.generatedTokens() - thinkingTokens;
                    generated = r.generatedTokens();
                    lastCount = r.generatedTokens();
                    return;
                }
                int extra = r.generatedTokens() - lastCount;
                if (extra > 0) {
                    generated += extra;
                    if (parser.phase() == ThinkParser.Phase.ANSWER) {
                        answerTokens += extra;
                    } else {
                        thinkingTokens += extra;
                    }
                    lastCount = r.generatedTokens();
                }
            }

            boolean onPiece(String piece, int count) {
                if (cancelled) {
                    return false;
                }
                int tokens = count - lastCount;
                lastCount = count;
                tick(tokens);
                ThinkParser.Phase before = parser.phase();
                raw.append(piece);
                if (before == ThinkParser.Phase.ANSWER) {
                    answerTokens += tokens;
                } else {
                    thinkingTokens += tokens;
                }
                parser.accept(piece);
                ThinkParser.Phase now = parser.phase();
                if (cancelled) {
                    return false;
                }
                if (now == ThinkParser.Phase.ANSWER && before != ThinkParser.Phase.ANSWER) {
                    thinkingEndNanos = System.nanoTime();
                    if (!parser.thinkingClosedByModel()) {
                        // the model did not open a thinking block: this piece was answer, not thinking
                        noThinking = true;
                        thinkingTokens -= tokens;
                        answerTokens += tokens;
                    }
                    if (schema) {
                        return false; // the answer is generated again under the schema constraint
                    }
                }
                if (now != ThinkParser.Phase.ANSWER) {
                    if (thinkingTokens >= thinkLimit) {
                        cut = FinishReason.THINKING_BUDGET;
                        return false;
                    }
                    if (deadlinePassed(deadline)) {
                        cut = FinishReason.DEADLINE;
                        return false;
                    }
                    return true;
                }
                if (stops.stopped()) {
                    return false;
                }
                if (answerTokens >= answerMax) {
                    answerLength = true;
                    return false;
                }
                return true;
            }

            @Override
            public void thinking(String text) {
                emitThinking(text);
            }

            @Override
            public void answer(String text) {
                if (!schema) {
                    emitAnswer(text);
                }
            }
        }

        private void tick(int tokens) {
            if (tokens <= 0) {
                return;
            }
            long now = System.nanoTime();
            if (firstTokenNanos < 0) {
                firstTokenNanos = now;
            }
            lastTokenNanos = now;
            generated += tokens;
        }

        private void emitThinking(String text) {
            if (!text.isEmpty()) {
                thinking.append(text);
                fire(new ReasoningEvent.ThinkingDelta(text, thinkingTokens));
            }
        }

        private void emitAnswer(String text) {
            if (!text.isEmpty()) {
                answer.append(text);
                fire(new ReasoningEvent.AnswerDelta(text, attempt));
            }
        }

        private void fire(ReasoningEvent event) {
            if (listenerFailed) {
                return;
            }
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("reasoning listener failed; cancelling the call", e);
                listenerFailed = true;
                cancelled = true;
            }
        }

        private Reasoning result(FinishReason finish, Optional<JsonNode> json) {
            long end = System.nanoTime();
            long first = firstTokenNanos < 0 ? end : firstTokenNanos;
            long thinkEnd = thinkingEndNanos < 0 ? end : thinkingEndNanos;
            double rate = 0;
            if (generated >= 2 && lastTokenNanos > firstTokenNanos) {
                rate = (generated - 1) / ((lastTokenNanos - firstTokenNanos) / 1e9);
            }
            Timings timings = new Timings(Duration.ofNanos(first - startNanos), Duration.ofNanos(thinkEnd - startNanos),
                    Duration.ofNanos(end - startNanos), rate);
            return new Reasoning(thinking.toString(), answer.toString(), json, finish,
                    new Usage(promptTokens, thinkingTokens, answerTokens), timings, info(), startedAt,
                    Optional.ofNullable(thinkingCut), servedBy);
        }
    }
}

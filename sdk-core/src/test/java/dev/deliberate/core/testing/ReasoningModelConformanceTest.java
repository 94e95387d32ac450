package dev.deliberate.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ContextOverflowException;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningCall;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link ReasoningModel} must show, whatever its backend. A backend's test extends this class and
 * implements {@link #openModel()}; the tests hold for any model, including random-weight test models whose words mean
 * nothing (the tests check structure, bounds and order, never content).
 *
 * <p>Ships in the {@code sdk-core} test-jar ({@code <type>test-jar</type>}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class ReasoningModelConformanceTest {

    /** A schema whose answers map to {@link Verdict}. */
    protected static final String VERDICT_SCHEMA = "{\"type\":\"object\",\"properties\":{"
            + "\"prime\":{\"type\":\"boolean\"},\"confidence\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100}},"
            + "\"required\":[\"prime\",\"confidence\"],\"additionalProperties\":false}";

    /** What {@link #VERDICT_SCHEMA} answers map to. */
    public record Verdict(boolean prime, int confidence) { }

    private ReasoningModel model;

    /** Opens the model under test; it is closed after the last test. */
    protected abstract ReasoningModel openModel();

    /** Sampling for every test: a fixed seed, so that runs repeat. */
    protected Sampling sampling() {
        return Sampling.defaults().withSeed(7);
    }

    /** The model under test. */
    protected final ReasoningModel model() {
        return model;
    }

    /** A request builder with the test question and sampling. */
    protected ReasoningRequest.Builder request() {
        return ReasoningRequest.builder().user("Is 1013 a prime number?").sampling(sampling());
    }

    @BeforeAll
    void openTheModel() {
        model = openModel();
    }

    @AfterAll
    void closeTheModel() {
        if (model != null) {
            model.close();
        }
    }

    private static void assertNoTags(String text) {
        assertFalse(text.contains("<think>") || text.contains("</think>"), () -> "think tag in: " + text);
    }

    @Test
    void thinkingIsSeparatedFromTheAnswer() {
        Reasoning r = model.reason(request().thinkingBudget(ThinkingBudget.tokens(24)).answerMaxTokens(16).build());
        assertFalse(r.thinking().isEmpty(), "the model thought");
        assertTrue(r.usage().thinkingTokens() > 0);
        assertFalse(r.answer().isEmpty(), "the model answered");
        assertNoTags(r.thinking());
        assertNoTags(r.answer());
    }

    @Test
    void answersAndThinkingNeverContainThinkTags() {
        for (long seed = 1; seed <= 6; seed++) {
            List<ReasoningEvent> events = new CopyOnWriteArrayList<>();
            Reasoning r = model.start(request().sampling(sampling().withSeed(seed))
                    .thinkingBudget(ThinkingBudget.tokens(32)).answerMaxTokens(24).build(), events::add).join();
            assertNoTags(r.thinking());
            assertNoTags(r.answer());
            for (ReasoningEvent e : events) {
                if (e instanceof ReasoningEvent.ThinkingDelta d) {
                    assertNoTags(d.text());
                } else if (e instanceof ReasoningEvent.AnswerDelta d) {
                    assertNoTags(d.text());
                }
            }
        }
    }

    @Test
    void budgetZeroAnswersAtOnce() {
        List<ReasoningEvent> events = new CopyOnWriteArrayList<>();
        Reasoning r = model.start(request().thinkingBudget(ThinkingBudget.none()).answerMaxTokens(12).build(),
                events::add).join();
        assertEquals("", r.thinking());
        assertEquals(0, r.usage().thinkingTokens());
        assertTrue(r.usage().answerTokens() > 0);
        assertFalse(events.stream().anyMatch(e -> e instanceof ReasoningEvent.ThinkingDelta));
        assertTrue(r.finish() == FinishReason.THINKING_BUDGET || r.finish() == FinishReason.LENGTH, r.finish()::name);
    }

    @Test
    void tokenBudgetClosesThinkingAndStillAnswers() {
        Reasoning r = model.reason(request().thinkingBudget(ThinkingBudget.tokens(10)).answerMaxTokens(200)
                .answerFormat(AnswerFormat.jsonSchema(VERDICT_SCHEMA)).build());
        assertEquals(FinishReason.THINKING_BUDGET, r.finish());
        assertEquals(Optional.of(FinishReason.THINKING_BUDGET), r.thinkingCut());
        assertEquals(10, r.usage().thinkingTokens(), "the budget is a hard bound and was spent");
        assertTrue(r.answerJson().isPresent(), "an answer came after the cut");
    }

    @Test
    void deadlineClosesThinkingAndStillAnswers() {
        // short, so that the deadline comes before the context is full even on a fast tiny model
        ReasoningRequest.Builder b = request().answerMaxTokens(200)
                .answerFormat(AnswerFormat.jsonSchema(VERDICT_SCHEMA));
        Instant deadline = Instant.now().plusMillis(50);
        Reasoning r = model.reason(b.thinkingBudget(ThinkingBudget.unlimited().withDeadline(deadline)).build());
        assertEquals(FinishReason.DEADLINE, r.finish());
        assertFalse(r.startedAt().plus(r.timings().thinking()).isBefore(deadline),
                "thinking was closed by the deadline, not before it");
        assertTrue(r.answerJson().isPresent(), "an answer came after the deadline");
    }

    @Test
    void timeoutCountsFromTheCallAndNeverFails() {
        // built, then kept until its timeout is long over: the timeout starts with the call, so nothing fails
        ReasoningRequest req = request().answerMaxTokens(200).answerFormat(AnswerFormat.jsonSchema(VERDICT_SCHEMA))
                .thinkingBudget(ThinkingBudget.unlimited().within(Duration.ofMillis(1))).build();
        Instant built = Instant.now();
        while (!Instant.now().isAfter(built.plusMillis(5))) {
            Thread.onSpinWait();
        }
        Reasoning r = model.reason(req);
        assertEquals(FinishReason.DEADLINE, r.finish());
        assertEquals(Optional.of(FinishReason.DEADLINE), r.thinkingCut());
        assertTrue(r.answerJson().isPresent(), "an answer came after the cut");
        Reasoning now = model.reason(req.toBuilder().thinkingBudget(ThinkingBudget.unlimited().within(Duration.ZERO))
                .build());
        assertEquals(FinishReason.DEADLINE, now.finish());
        assertEquals(0, now.usage().thinkingTokens(), "a zero timeout answers at once");
        assertTrue(now.answerJson().isPresent());
    }

    @Test
    void schemaAnswerValidatesAndMapsToARecord() {
        AnswerFormat.Json format = (AnswerFormat.Json) AnswerFormat.jsonSchema(VERDICT_SCHEMA);
        Reasoning r = model.reason(request().thinkingBudget(ThinkingBudget.tokens(16)).answerMaxTokens(200)
                .answerFormat(format).build());
        assertTrue(r.answerJson().isPresent());
        assertEquals(List.of(), format.validate(r.answerJson().get()));
        Verdict v = r.answerAs(Verdict.class);
        assertTrue(v.confidence() >= 0 && v.confidence() <= 100);
        assertNoTags(r.answer());
    }

    @Test
    void cancelStopsMidStreamWithOneDoneEvent() throws InterruptedException {
        CountDownLatch thinking = new CountDownLatch(3);
        List<ReasoningEvent> events = new CopyOnWriteArrayList<>();
        ReasoningCall call = model.start(request().answerMaxTokens(64).build(), e -> {
            events.add(e);
            if (e instanceof ReasoningEvent.ThinkingDelta) {
                thinking.countDown();
            }
        });
        assertTrue(thinking.await(60, TimeUnit.SECONDS), "thinking started");
        call.cancel();
        Reasoning r = call.join();
        assertEquals(FinishReason.CANCELLED, r.finish());
        long done = events.stream().filter(e -> e instanceof ReasoningEvent.Done).count();
        assertEquals(1, done);
        assertInstanceOf(ReasoningEvent.Done.class, events.get(events.size() - 1));
        assertTrue(r.usage().thinkingTokens() < model.info().contextLength() / 2, "stopped early");
    }

    @Test
    void twoThreadsAtOnceAreServedWithoutMixing() throws Exception {
        ReasoningRequest a = request().sampling(sampling().withSeed(11)).thinkingBudget(ThinkingBudget.tokens(20))
                .answerMaxTokens(12).build();
        ReasoningRequest b = ReasoningRequest.builder().user("Name a colour.").sampling(sampling().withSeed(12))
                .thinkingBudget(ThinkingBudget.tokens(20)).answerMaxTokens(12).build();
        Reasoning alone = model.reason(a);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Reasoning> fa = CompletableFuture.supplyAsync(() -> await(go, () -> model.reason(a)));
        CompletableFuture<Reasoning> fb = CompletableFuture.supplyAsync(() -> await(go, () -> model.reason(b)));
        go.countDown();
        Reasoning ra = fa.get(60, TimeUnit.SECONDS);
        Reasoning rb = fb.get(60, TimeUnit.SECONDS);
        assertEquals(alone.thinking(), ra.thinking(), "the same seeded request gives the same thinking");
        assertEquals(alone.answer(), ra.answer());
        assertNoTags(rb.answer());
        assertTrue(rb.usage().thinkingTokens() <= 20);
    }

    private static Reasoning await(CountDownLatch go, java.util.function.Supplier<Reasoning> call) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return call.get();
    }

    @Test
    void eventsComeInOrderThinkingThenAnswerThenOneDone() {
        List<ReasoningEvent> events = new CopyOnWriteArrayList<>();
        Reasoning r = model.start(request().thinkingBudget(ThinkingBudget.tokens(20)).answerMaxTokens(16).build(),
                events::add).join();
        StringBuilder thinking = new StringBuilder();
        StringBuilder answer = new StringBuilder();
        boolean answering = false;
        int lastCount = 0;
        for (int i = 0; i < events.size() - 1; i++) {
            ReasoningEvent e = events.get(i);
            if (e instanceof ReasoningEvent.ThinkingDelta d) {
                assertFalse(answering, "thinking after the answer started");
                assertTrue(d.thinkingTokens() >= lastCount);
                lastCount = d.thinkingTokens();
                thinking.append(d.text());
            } else if (e instanceof ReasoningEvent.AnswerDelta d) {
                answering = true;
                answer.append(d.text());
            } else {
                throw new AssertionError("Done before the last event");
            }
        }
        assertEquals(new ReasoningEvent.Done(r), events.get(events.size() - 1));
        assertEquals(r.thinking(), thinking.toString());
        assertEquals(r.answer(), answer.toString());
        assertTrue(lastCount <= r.usage().thinkingTokens());
    }

    @Test
    void usageAndTimingsAreConsistent() {
        Instant before = Instant.now();
        Reasoning r = model.reason(request().thinkingBudget(ThinkingBudget.tokens(20)).answerMaxTokens(16).build());
        assertTrue(r.usage().promptTokens() > 0);
        assertTrue(r.usage().thinkingTokens() <= 20);
        assertTrue(r.usage().answerTokens() <= 16);
        Duration ttft = r.timings().timeToFirstToken();
        assertTrue(ttft.compareTo(r.timings().total()) <= 0);
        assertTrue(r.timings().thinking().compareTo(r.timings().total()) <= 0);
        assertTrue(ttft.compareTo(r.timings().thinking()) <= 0 || r.usage().thinkingTokens() == 0);
        if (r.usage().generatedTokens() >= 2) {
            assertTrue(r.timings().decodeTokensPerSecond() > 0);
        }
        assertFalse(r.startedAt().isBefore(before));
        assertEquals(model.info(), r.model());
    }

    @Test
    void badRequestsFailBeforeGeneration() {
        assertThrows(InvalidRequestException.class, () -> model.start(request()
                .thinkingBudget(ThinkingBudget.unlimited().withDeadline(Instant.now().minusMillis(1))).build(),
                e -> { }));
        assertThrows(InvalidRequestException.class, () -> ThinkingBudget.tokens(-1));
        String huge = "prime ".repeat(Math.max(model.info().contextLength(), 1000) * 2);
        assertThrows(ContextOverflowException.class, () -> model.start(ReasoningRequest.builder().user(huge).build(),
                e -> { }));
    }
}

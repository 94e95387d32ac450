package dev.deliberate.cli.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.FinishReason;
import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.Timings;
import dev.deliberate.core.Usage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What {@code deliberate reason} prints for a stream of events (no model needed). */
class ReasoningOutputTest {

    private final StringWriter text = new StringWriter();

    private ReasoningOutput.Streaming listener(boolean ansi) {
        return ReasoningOutput.streaming(new PrintWriter(text), ansi);
    }

    private static Reasoning result(FinishReason finish, Optional<FinishReason> cut) {
        ModelInfo info = new ModelInfo("test", "m.gguf", Optional.empty(), Optional.empty(), "m", "qwen2", "F32",
                OptionalLong.empty(), 2048);
        return new Reasoning("t", "a", Optional.empty(), finish, new Usage(5, 1, 1),
                new Timings(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(3), 10), info,
                Instant.EPOCH, cut);
    }

    @Test
    void controlCharactersFromTheModelAreShownNotObeyed() {
        ReasoningOutput.Streaming l = listener(false);
        l.onEvent(new ReasoningEvent.ThinkingDelta("fine\rFAKE\u0000x\u001b[2J\u0007\u0008", 1));
        l.onEvent(new ReasoningEvent.AnswerDelta("a\u009bb\u202Ec\u007f\tok\n", 0));
        l.onEvent(new ReasoningEvent.Done(result(FinishReason.STOP, Optional.empty())));
        assertEquals("Thinking:\nfine^MFAKE^@x^[[2J^G^H\n\nAnswer:\na<U+009B>b<U+202E>c^?\tok\n\n", text.toString());
    }

    @Test
    void plainTextIsPrintedUnchanged() {
        assertEquals("Grüße, 世界 😀\n\tok", TerminalText.sanitize("Grüße, 世界 😀\n\tok"));
    }

    @Test
    void rejectedAttemptAndItsRetryAreShownAsAttemptsNotGlued() {
        ReasoningOutput.Streaming l = listener(false);
        l.onEvent(new ReasoningEvent.ThinkingDelta("hm", 1));
        l.onEvent(new ReasoningEvent.AnswerDelta("{\"reason\":\"far too long\"}", 0));
        l.onEvent(new ReasoningEvent.AttemptRejected(0, "{\"reason\":\"far too long\"}",
                List.of("/reason: must be at most 4 characters long"), true));
        l.onEvent(new ReasoningEvent.AnswerDelta("{\"reason\":", 1));
        l.onEvent(new ReasoningEvent.AnswerDelta("\"ok\"}", 1));
        l.onEvent(new ReasoningEvent.Done(result(FinishReason.STOP, Optional.empty())));
        assertEquals("Thinking:\nhm\n\nAnswer:\n{\"reason\":\"far too long\"}\n"
                + "[attempt 1 rejected: /reason: must be at most 4 characters long]\n"
                + "Answer (attempt 2):\n{\"reason\":\"ok\"}\n", text.toString());
        assertEquals(1, l.rejectedAttempts());
    }

    @Test
    void cancelledWhileThinkingOnATerminalEndsTheDimmedStretchAndTheLine() {
        ReasoningOutput.Streaming l = listener(true);
        l.onEvent(new ReasoningEvent.ThinkingDelta("partial", 1));
        l.onEvent(new ReasoningEvent.Done(result(FinishReason.CANCELLED, Optional.empty())));
        assertEquals("\u001b[2mThinking: partial\u001b[0m\n", text.toString());
    }

    @Test
    void summaryShowsTheThinkingCutWhenTheAnswerWasTruncated() {
        assertTrue(ReasoningOutput.summary(result(FinishReason.LENGTH, Optional.of(FinishReason.DEADLINE)))
                .startsWith("[LENGTH (thinking cut: DEADLINE); prompt 5, thinking 1, answer 1 tokens;"));
        assertTrue(ReasoningOutput.summary(result(FinishReason.DEADLINE, Optional.of(FinishReason.DEADLINE)))
                .startsWith("[DEADLINE; prompt 5"));
        assertFalse(ReasoningOutput.summary(result(FinishReason.STOP, Optional.empty())).contains("cut"));
    }
}

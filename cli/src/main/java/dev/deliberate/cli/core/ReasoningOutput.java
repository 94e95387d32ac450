package dev.deliberate.cli.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.ReasoningListener;
import java.io.PrintWriter;
import java.util.Locale;

/** How the CLI shows a reasoning call: streamed for people, one JSON object for programs. */
final class ReasoningOutput {

    private static final String DIM = "\u001b[2m";
    private static final String RESET = "\u001b[0m";

    private ReasoningOutput() {}

    /**
     * Streams thinking then answer. On a terminal thinking is dimmed; otherwise it is framed by "Thinking:" and
     * "Answer:" lines. Generated text is sanitised ({@link TerminalText}). A rejected answer attempt ends with a line
     * saying why, and the retry starts under its own "Answer (attempt N):" heading, so attempts are never glued.
     */
    static Streaming streaming(PrintWriter out, boolean ansi) {
        return new Streaming(out, ansi);
    }

    /** The streaming listener; {@link #rejectedAttempts()} counts the answers the SDK rejected and retried. */
    static final class Streaming implements ReasoningListener {
        private final PrintWriter out;
        private final boolean ansi;
        private boolean thinking;
        private boolean dim;
        private int answering = -1; // the attempt being printed
        private int rejected;

        Streaming(PrintWriter out, boolean ansi) {
            this.out = out;
            this.ansi = ansi;
        }

        @Override
        public synchronized void onEvent(ReasoningEvent event) {
            if (event instanceof ReasoningEvent.ThinkingDelta d) {
                if (!thinking) {
                    thinking = true;
                    dim = ansi;
                    out.print(ansi ? DIM + "Thinking: " : "Thinking:\n");
                }
                out.print(TerminalText.sanitize(d.text()));
            } else if (event instanceof ReasoningEvent.AnswerDelta d) {
                if (answering != d.attempt()) {
                    undim();
                    if (answering == -1 && thinking) {
                        out.print("\n\n");
                    }
                    out.print(d.attempt() == 0 ? "Answer:\n" : "Answer (attempt " + (d.attempt() + 1) + "):\n");
                    answering = d.attempt();
                }
                out.print(TerminalText.sanitize(d.text()));
            } else if (event instanceof ReasoningEvent.AttemptRejected r) {
                rejected++;
                undim();
                out.print("\n[attempt " + (r.attempt() + 1) + " rejected: "
                        + TerminalText.sanitize(String.join("; ", r.errors())) + "]\n");
                answering = -2; // the next answer text starts a new attempt heading
            } else if (event instanceof ReasoningEvent.Done) {
                undim();
                out.println();
            }
            out.flush();
        }

        /** Ends a dimmed stretch (a cancelled call must not leave the terminal dimmed). */
        synchronized void undim() {
            if (dim) {
                out.print(RESET);
                dim = false;
            }
        }

        synchronized int rejectedAttempts() {
            return rejected;
        }
    }

    /** A one-line summary: why it finished, tokens, speed. */
    static String summary(Reasoning r) {
        String finish = r.finish().name();
        if (r.answerTruncated() && r.thinkingCut().isPresent()) {
            finish += " (thinking cut: " + r.thinkingCut().get() + ")";
        }
        return String.format(Locale.ROOT,
                "[%s; prompt %d, thinking %d, answer %d tokens; first token %d ms, total %d ms, %.1f tokens/s]",
                finish, r.usage().promptTokens(), r.usage().thinkingTokens(), r.usage().answerTokens(),
                r.timings().timeToFirstToken().toMillis(), r.timings().total().toMillis(),
                r.timings().decodeTokensPerSecond());
    }

    /** The result as one JSON object. */
    static ObjectNode json(ObjectMapper mapper, Reasoning r) {
        ObjectNode o = mapper.createObjectNode();
        o.put("thinking", r.thinking());
        o.put("answer", r.answer());
        r.answerJson().ifPresent(j -> o.set("answerJson", j));
        o.put("finish", r.finish().name());
        if (r.thinkingCut().isPresent()) {
            o.put("thinkingCut", r.thinkingCut().get().name());
        } else {
            o.putNull("thinkingCut");
        }
        o.put("answerTruncated", r.answerTruncated());
        ObjectNode usage = o.putObject("usage");
        usage.put("promptTokens", r.usage().promptTokens());
        usage.put("thinkingTokens", r.usage().thinkingTokens());
        usage.put("answerTokens", r.usage().answerTokens());
        ObjectNode timings = o.putObject("timings");
        timings.put("timeToFirstTokenMs", r.timings().timeToFirstToken().toNanos() / 1e6);
        timings.put("thinkingMs", r.timings().thinking().toNanos() / 1e6);
        timings.put("totalMs", r.timings().total().toNanos() / 1e6);
        timings.put("decodeTokensPerSecond", r.timings().decodeTokensPerSecond());
        o.set("model", model(mapper, r.model()));
        o.put("startedAt", r.startedAt().toString());
        return o;
    }

    private static ObjectNode model(ObjectMapper mapper, ModelInfo m) {
        ObjectNode o = mapper.createObjectNode();
        o.put("backend", m.backend());
        o.put("locator", m.locator());
        m.file().ifPresent(f -> o.put("file", f.toString()));
        m.sha256().ifPresent(h -> o.put("sha256", h));
        o.put("modelId", m.modelId());
        o.put("architecture", m.architecture());
        o.put("quantization", m.quantization());
        m.parameterCount().ifPresent(n -> o.put("parameterCount", n));
        o.put("contextLength", m.contextLength());
        if (!m.adapters().isEmpty()) {
            ArrayNode adapters = o.putArray("adapters");
            for (ModelInfo.Adapter a : m.adapters()) {
                adapters.addObject().put("file", a.file().toString()).put("sha256", a.sha256())
                        .put("scale", a.scale());
            }
        }
        return o;
    }
}

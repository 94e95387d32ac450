package dev.deliberate.cli.core;

import com.fasterxml.jackson.databind.ObjectMapper;
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
     * "Answer:" lines.
     */
    static ReasoningListener streaming(PrintWriter out, boolean ansi) {
        return new ReasoningListener() {
            private boolean thinking;
            private boolean answering;

            @Override
            public void onEvent(ReasoningEvent event) {
                if (event instanceof ReasoningEvent.ThinkingDelta d) {
                    if (!thinking) {
                        thinking = true;
                        out.print(ansi ? DIM + "Thinking: " : "Thinking:\n");
                    }
                    out.print(d.text());
                } else if (event instanceof ReasoningEvent.AnswerDelta d) {
                    if (!answering) {
                        answering = true;
                        if (thinking) {
                            out.print(ansi ? RESET + "\n\n" : "\n\n");
                        }
                        out.print("Answer:\n");
                    }
                    out.print(d.text());
                } else if (event instanceof ReasoningEvent.Done) {
                    if (thinking && !answering && ansi) {
                        out.print(RESET);
                    }
                    out.println();
                }
                out.flush();
            }
        };
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
        return o;
    }
}

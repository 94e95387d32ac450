package dev.deliberate.cli.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.ReasoningEvent;
import dev.deliberate.core.cascade.CascadeResult;
import dev.deliberate.core.cascade.StepResult;
import dev.deliberate.core.council.CouncilEvent;
import dev.deliberate.core.council.CouncilListener;
import dev.deliberate.core.council.CouncilResult;
import dev.deliberate.core.council.FieldAgreement;
import dev.deliberate.core.council.MemberOutcome;
import dev.deliberate.core.council.Review;
import java.io.PrintWriter;
import java.util.Locale;

/** How the CLI shows councils and cascades to people: every answer, the reviews, agreement, and a loud verdict. */
final class CouncilOutput {

    private static final String RED = "\u001b[1;31m";
    private static final String GREEN = "\u001b[1;32m";
    private static final String RESET = "\u001b[0m";

    private CouncilOutput() {}

    /** Progress on stderr: one line when each member's call ends or fails. */
    static CouncilListener progress(PrintWriter err) {
        return event -> {
            if (event instanceof CouncilEvent.Member m && m.event() instanceof ReasoningEvent.Done d) {
                err.printf(Locale.ROOT, "deliberate: [%s] %s done (%s, %d ms)%n", m.member(),
                        m.stage().name().toLowerCase(Locale.ROOT), d.reasoning().finish(),
                        d.reasoning().timings().total().toMillis());
            } else if (event instanceof CouncilEvent.MemberFailed f) {
                err.printf(Locale.ROOT, "deliberate: [%s] %s %s: %s%n", f.member(),
                        f.stage().name().toLowerCase(Locale.ROOT), f.status(), f.error());
            }
            err.flush();
        };
    }

    static void council(PrintWriter out, CouncilResult r, boolean ansi) {
        out.println("== Members");
        for (MemberOutcome m : r.members()) {
            out.printf(Locale.ROOT, "[%s] %s (%s)%n", m.member(), m.status(), m.model().locator());
            if (m.reasoning().isPresent()) {
                var x = m.reasoning().get();
                out.printf(Locale.ROOT, "  %s; thinking %d, answer %d tokens; done %d ms into the stage%n", x.finish(),
                        x.usage().thinkingTokens(), x.usage().answerTokens(), m.elapsed().toMillis());
                out.println("  answer: " + oneLine(x.answerJson().map(JsonNode::toString).orElse(x.answer())));
            } else {
                out.println("  error: " + m.error().orElse(""));
            }
        }
        out.println();
        out.println("== Reviews");
        if (r.reviews().isEmpty() && r.reviewCalls().isEmpty()) {
            out.println("(none)");
        }
        for (Review v : r.reviews()) {
            out.printf(Locale.ROOT, "%s on %s: %s - %s%n", v.reviewer(), v.subject(),
                    v.agrees() ? "agrees" : "DISAGREES", oneLine(v.critique()));
        }
        for (MemberOutcome m : r.reviewCalls()) {
            if (!m.answered()) {
                out.printf(Locale.ROOT, "%s: review %s: %s%n", m.member(), m.status(), m.error().orElse(""));
            }
        }
        out.println();
        out.println("== Agreement");
        for (FieldAgreement f : r.fieldAgreement()) {
            out.printf(Locale.ROOT, "%-28s %-11s %.2f  (%d of %d answered)%s%n", f.path().isEmpty() ? "(answer)"
                    : f.path(), f.kind(), f.agreement(), f.answered(), f.answers(),
                    f.kind() == FieldAgreement.Kind.TEXT ? "  not counted" : "");
        }
        r.reviewAgreement().ifPresent(a -> out.printf(Locale.ROOT, "reviews agreeing: %.2f%n", a));
        out.printf(Locale.ROOT, "overall agreement: %.2f (threshold %.2f); %d of %d members answered%n",
                r.agreement(), r.threshold(), r.answered().size(), r.members().size());
        r.chair().ifPresent(c -> out.println("chair [" + c.member() + "]: " + c.status()
                + c.error().map(e -> ": " + e).orElse("")));
        out.println();
        out.println("== Verdict");
        verdict(out, r.disagreement(), String.format(Locale.ROOT, "agreement %.2f < threshold %.2f", r.agreement(),
                r.threshold()), ansi);
        out.println("final answer: " + r.finalAnswer().map(j -> oneLine(j.isTextual() ? j.asText() : j.toString()))
                .orElse("NONE (no consensus)"));
        out.printf(Locale.ROOT, "[usage: prompt %d, thinking %d, answer %d tokens; answers %d ms, reviews %d ms,"
                + " total %d ms]%n", r.usage().promptTokens(), r.usage().thinkingTokens(), r.usage().answerTokens(),
                r.timings().answers().toMillis(), r.timings().reviews().toMillis(), r.timings().total().toMillis());
        out.flush();
    }

    static void verdict(PrintWriter out, boolean disagreement, String why, boolean ansi) {
        if (disagreement) {
            String line = "!!! DISAGREEMENT: the models do not agree (" + why + "). Escalate: have a person"
                    + " review this case. !!!";
            out.println(ansi ? RED + line + RESET : line);
        } else {
            out.println(ansi ? GREEN + "AGREEMENT" + RESET : "AGREEMENT");
        }
    }

    static void cascade(PrintWriter out, CascadeResult r, boolean ansi) {
        out.println("== Path");
        for (StepResult s : r.path()) {
            out.printf(Locale.ROOT, "%-10s %-8s %-9s %6d ms  thinking %d, answer %d tokens%s%n", s.step(),
                    s.tier(), s.status(), s.elapsed().toMillis(), s.usage().thinkingTokens(),
                    s.usage().answerTokens(), s.reason().map(x -> "  (" + oneLine(x) + ")").orElse(""));
        }
        for (StepResult s : r.path()) {
            if (s.council().isPresent()) {
                out.println();
                out.println("== Council at step " + s.step());
                council(out, s.council().get(), ansi);
            }
        }
        out.println();
        out.println("== Verdict");
        if (r.resolved()) {
            out.println(ansi ? GREEN + "RESOLVED" + RESET + " by " + r.decidedBy().orElse("")
                    : "RESOLVED by " + r.decidedBy().orElse(""));
        } else {
            String line = "!!! UNRESOLVED: no step's answer was good enough. Escalate: have a person review this"
                    + " case. !!!";
            out.println(ansi ? RED + line + RESET : line);
        }
        out.println("answer: " + r.answerJson().map(JsonNode::toString).or(() -> r.answer()).map(CouncilOutput::oneLine)
                .orElse("NONE"));
        out.printf(Locale.ROOT, "[usage: prompt %d, thinking %d, answer %d tokens; total %d ms]%n",
                r.usage().promptTokens(), r.usage().thinkingTokens(), r.usage().answerTokens(), r.total().toMillis());
        out.flush();
    }

    private static String oneLine(String s) {
        String t = s.strip().replaceAll("\\s*\\R\\s*", " ");
        return t.length() <= 400 ? t : t.substring(0, 400) + "...";
    }
}

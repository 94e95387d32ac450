package dev.deliberate.eval;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The words and tables of a report, as Markdown and as HTML; every value from a run is escaped. */
final class ReportText {

    private ReportText() {}

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String budget(SettingInfo s) {
        return s.thinkingBudget().isPresent() ? Integer.toString(s.thinkingBudget().getAsInt()) : "profile default";
    }

    static String markdown(EvalRun run, List<SettingSummary> summaries, Optional<Comparison> comparison,
            Collection<String> charts) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Evaluation of ").append(md(run.profile())).append("\n\n");
        sb.append("Started ").append(run.startedAt()).append("; ").append(run.results().size()).append(" results, ")
                .append(run.settings().size()).append(" setting(s).\n\n");
        sb.append("| setting | model | thinking budget | cases | correct | mean score | valid | wrong | budget cut "
                + "| deadline | invalid | error | latency p50 / p90 / max (ms) | thinking tokens | escalations |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (SettingSummary s : summaries) {
            sb.append("| ").append(md(s.setting().label())).append(" | ").append(md(s.setting().model())).append(" | ")
                    .append(budget(s.setting())).append(" | ").append(s.cases()).append(" | ")
                    .append(pct(s.accuracy())).append(" | ").append(pct(s.meanScore())).append(" | ")
                    .append(pct(s.validity())).append(" | ").append(s.outcomes().get(Outcome.WRONG)).append(" | ")
                    .append(s.outcomes().get(Outcome.BUDGET_CUT)).append(" | ")
                    .append(s.outcomes().get(Outcome.DEADLINE)).append(" | ")
                    .append(s.outcomes().get(Outcome.INVALID)).append(" | ")
                    .append(s.outcomes().get(Outcome.ERROR)).append(" | ").append(s.latencyP50Millis()).append(" / ")
                    .append(s.latencyP90Millis()).append(" / ").append(s.latencyMaxMillis()).append(" | ")
                    .append(num(s.meanThinkingTokens())).append(" | ").append(s.escalations()).append(" |\n");
        }
        if (!run.fields().isEmpty()) {
            sb.append("\n## Per-field accuracy\n\n| setting |");
            run.fields().forEach(f -> sb.append(' ').append(md(f)).append(" |"));
            sb.append("\n|---|").append("---|".repeat(run.fields().size())).append('\n');
            for (SettingSummary s : summaries) {
                sb.append("| ").append(md(s.setting().label())).append(" |");
                for (String f : run.fields()) {
                    Double v = s.fieldAccuracy().get(f);
                    sb.append(' ').append(v == null ? "-" : pct(v)).append(" |");
                }
                sb.append('\n');
            }
        }
        councilAndCascade(sb, false, run, summaries);
        sb.append("\n## Charts\n\n");
        for (String c : charts) {
            sb.append("![").append(c).append("](charts/").append(c).append(".png)\n\n");
        }
        comparison.ifPresent(c -> {
            sb.append("## Compared with the baseline (").append(md(c.baselineProfile())).append(")\n\n");
            sb.append(c.better().size()).append(" better, ").append(c.worse().size()).append(" worse, ")
                    .append(c.unchanged()).append(" unchanged, ").append(c.unmatched()).append(" new.\n\n");
            if (c.removed() > 0) {
                sb.append(c.removed()).append(" result(s) of the baseline are not in this run.\n\n");
            }
            table(sb, false, List.of("setting", "cases in both", "correct before", "correct after"),
                    deltaRows(c));
            if (!c.better().isEmpty() || !c.worse().isEmpty()) {
                sb.append("| change | setting | case | before | after |\n|---|---|---|---|---|\n");
                c.worse().forEach(x -> sb.append("| worse | ").append(md(x.setting())).append(" | ")
                        .append(md(x.caseId())).append(" | ").append(x.before()).append(' ')
                        .append(num(x.scoreBefore())).append(" | ").append(x.after()).append(' ')
                        .append(num(x.scoreAfter())).append(" |\n"));
                c.better().forEach(x -> sb.append("| better | ").append(md(x.setting())).append(" | ")
                        .append(md(x.caseId())).append(" | ").append(x.before()).append(' ')
                        .append(num(x.scoreBefore())).append(" | ").append(x.after()).append(' ')
                        .append(num(x.scoreAfter())).append(" |\n"));
            }
        });
        sb.append("\n## Cases\n\n| setting | case | outcome | finish | score | ms | thinking | flags | error |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (CaseResult r : run.results()) {
            sb.append("| ").append(md(r.setting())).append(" | ").append(md(r.caseId())).append(" | ")
                    .append(r.outcome()).append(" | ").append(r.finish().map(Enum::name).orElse("-")).append(" | ")
                    .append(num(r.score())).append(" | ").append(r.latencyMillis()).append(" | ")
                    .append(r.thinkingTokens()).append(" | ").append(md(String.join("; ", r.escalations())))
                    .append(" | ").append(md(r.error().orElse(""))).append(" |\n");
        }
        return sb.toString();
    }

    /** Markdown table cells: no pipes, no newlines, no HTML. */
    private static String md(String s) {
        return html(s).replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    static String html(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(Character.isISOControl(c) && c != '\n' ? ' ' : c);
            }
        }
        return sb.toString();
    }

    static String html(EvalRun run, List<SettingSummary> summaries, Optional<Comparison> comparison,
            Map<String, String> svgs) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        + "style-src 'unsafe-inline'; img-src data:\">\n")
                .append("<title>Evaluation of ").append(html(run.profile())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;color:#212121}table{border-collapse:collapse;"
                        + "margin:1em 0}td,th{border:1px solid #bdbdbd;padding:4px 8px;text-align:right}"
                        + "th{background:#eeeeee}td:first-child,th:first-child{text-align:left}"
                        + ".charts{display:flex;flex-wrap:wrap;gap:1em}.charts figure{margin:0}"
                        + ".worse{color:#c62828}.better{color:#2e7d32}\n")
                .append("</style></head><body>\n<h1>Evaluation of ").append(html(run.profile())).append("</h1>\n")
                .append("<p>Started ").append(run.startedAt()).append("; ").append(run.results().size())
                .append(" results, ").append(run.settings().size()).append(" setting(s).</p>\n");
        sb.append("<table><tr><th>setting</th><th>model</th><th>thinking budget</th><th>cases</th><th>correct</th>"
                + "<th>mean score</th><th>valid</th><th>wrong</th><th>budget cut</th><th>deadline</th><th>invalid</th>"
                + "<th>error</th><th>latency p50 / p90 / max (ms)</th><th>thinking tokens</th><th>escalations</th>"
                + "</tr>\n");
        for (SettingSummary s : summaries) {
            sb.append("<tr><td>").append(html(s.setting().label())).append("</td><td>")
                    .append(html(s.setting().model())).append("</td><td>").append(budget(s.setting()))
                    .append("</td><td>").append(s.cases()).append("</td><td>").append(pct(s.accuracy()))
                    .append("</td><td>").append(pct(s.meanScore())).append("</td><td>").append(pct(s.validity()))
                    .append("</td><td>").append(s.outcomes().get(Outcome.WRONG)).append("</td><td>")
                    .append(s.outcomes().get(Outcome.BUDGET_CUT)).append("</td><td>")
                    .append(s.outcomes().get(Outcome.DEADLINE)).append("</td><td>")
                    .append(s.outcomes().get(Outcome.INVALID)).append("</td><td>")
                    .append(s.outcomes().get(Outcome.ERROR)).append("</td><td>").append(s.latencyP50Millis())
                    .append(" / ").append(s.latencyP90Millis()).append(" / ").append(s.latencyMaxMillis())
                    .append("</td><td>").append(num(s.meanThinkingTokens())).append("</td><td>")
                    .append(s.escalations()).append("</td></tr>\n");
        }
        sb.append("</table>\n<h2>Charts</h2>\n<div class=\"charts\">\n");
        // the SVG comes from JFreeSVG, drawn from the run's values (labels escaped by JFreeSVG); inlined as is
        svgs.forEach((name, svg) -> sb.append("<figure id=\"chart-").append(name).append("\">").append(svg)
                .append("</figure>\n"));
        sb.append("</div>\n");
        councilAndCascade(sb, true, run, summaries);
        comparison.ifPresent(c -> {
            sb.append("<h2>Compared with the baseline (").append(html(c.baselineProfile())).append(")</h2>\n<p>")
                    .append(c.better().size()).append(" better, ").append(c.worse().size()).append(" worse, ")
                    .append(c.unchanged()).append(" unchanged, ").append(c.unmatched()).append(" new.</p>\n");
            if (c.removed() > 0) {
                sb.append("<p>").append(c.removed()).append(" result(s) of the baseline are not in this run.</p>\n");
            }
            table(sb, true, List.of("setting", "cases in both", "correct before", "correct after"), deltaRows(c));
            if (!c.better().isEmpty() || !c.worse().isEmpty()) {
                sb.append("<table><tr><th>change</th><th>setting</th><th>case</th><th>before</th><th>after</th></tr>\n");
                c.worse().forEach(x -> change(sb, "worse", x));
                c.better().forEach(x -> change(sb, "better", x));
                sb.append("</table>\n");
            }
        });
        sb.append("<h2>Cases</h2>\n<table><tr><th>setting</th><th>case</th><th>outcome</th><th>finish</th>"
                + "<th>score</th><th>ms</th><th>thinking</th><th>flags</th><th>error</th></tr>\n");
        for (CaseResult r : run.results()) {
            sb.append("<tr><td>").append(html(r.setting())).append("</td><td>").append(html(r.caseId()))
                    .append("</td><td>").append(r.outcome()).append("</td><td>")
                    .append(r.finish().map(Enum::name).orElse("-")).append("</td><td>").append(num(r.score()))
                    .append("</td><td>").append(r.latencyMillis()).append("</td><td>").append(r.thinkingTokens())
                    .append("</td><td>").append(html(String.join("; ", r.escalations()))).append("</td><td>")
                    .append(html(r.error().orElse(""))).append("</td></tr>\n");
        }
        return sb.append("</table>\n</body></html>\n").toString();
    }

    private static void change(StringBuilder sb, String kind, Comparison.Change x) {
        sb.append("<tr class=\"").append(kind).append("\"><td>").append(kind).append("</td><td>")
                .append(html(x.setting())).append("</td><td>").append(html(x.caseId())).append("</td><td>")
                .append(x.before()).append(' ').append(num(x.scoreBefore())).append("</td><td>").append(x.after())
                .append(' ').append(num(x.scoreAfter())).append("</td></tr>\n");
    }

    private static String ratio(java.util.OptionalDouble v) {
        return v.isPresent() ? pct(v.getAsDouble()) : "-";
    }

    /**
     * The council and cascade sections, when the run has councils or cascades: agreement against correctness (with
     * the precision and recall of the disagreement flag as a warning of a wrong answer) and the cascade paths, in
     * total and per case.
     */
    private static void councilAndCascade(StringBuilder sb, boolean html, EvalRun run,
            List<SettingSummary> summaries) {
        List<List<String>> council = new java.util.ArrayList<>();
        List<List<String>> cascade = new java.util.ArrayList<>();
        for (SettingSummary s : summaries) {
            s.council().ifPresent(w -> council.add(List.of(s.setting().label(), Integer.toString(w.withVerdict()),
                    Integer.toString(w.agreedCorrect()), Integer.toString(w.agreedWrong()),
                    Integer.toString(w.disagreedCorrect()), Integer.toString(w.disagreedWrong()),
                    Integer.toString(w.noVerdict()), ratio(w.precision()), ratio(w.recall()),
                    ratio(w.accuracyWhenAgreed()), ratio(w.accuracyWhenDisagreed()))));
            s.cascade().ifPresent(c -> c.answeredBy().forEach((step, n) -> cascade.add(List.of(s.setting().label(),
                    step, Integer.toString(n), pct(c.share(step)), Integer.toString(c.correctBy().getOrDefault(step,
                    0)), step.equals(CascadePaths.UNRESOLVED) ? "-"
                            : Integer.toString(c.escalatedAt().getOrDefault(step, 0))))));
        }
        if (!council.isEmpty()) {
            heading(sb, html, "Council agreement against correctness");
            paragraph(sb, html, "Disagreement as a warning of a wrong answer: precision is the share of flagged"
                    + " cases whose answer was wrong, recall the share of wrong answers that were flagged.");
            table(sb, html, List.of("setting", "cases with a verdict", "agreed, right", "agreed, wrong",
                    "disagreed, right", "disagreed, wrong", "no verdict", "precision", "recall",
                    "accuracy when agreed", "accuracy when disagreed"), council);
            List<List<String>> rows = new java.util.ArrayList<>();
            for (CaseResult r : run.results()) {
                r.council().ifPresent(v -> rows.add(List.of(r.setting(), r.caseId(),
                        v.disagreement() ? "disagreed" : "agreed", num2(v.agreement()), num2(v.threshold()),
                        r.correct() ? "right" : "wrong (" + r.outcome() + ")")));
            }
            table(sb, html, List.of("setting", "case", "council", "agreement", "threshold", "answer"), rows);
        }
        if (!cascade.isEmpty()) {
            heading(sb, html, "Cascade paths");
            table(sb, html, List.of("setting", "answered by", "cases", "share", "right", "escalated or failed"),
                    cascade);
            for (SettingSummary s : summaries) {
                s.cascade().filter(c -> !c.reasons().isEmpty()).ifPresent(c -> {
                    paragraph(sb, html, "Why " + s.setting().label() + " escalated:");
                    table(sb, html, List.of("reason", "times"), c.reasons().entrySet().stream().limit(10)
                            .map(e -> List.of(e.getKey(), Integer.toString(e.getValue()))).toList());
                });
            }
            List<List<String>> rows = new java.util.ArrayList<>();
            for (CaseResult r : run.results()) {
                r.cascade().ifPresent(t -> rows.add(List.of(r.setting(), r.caseId(), t.answeredBy(), t.describe(),
                        r.correct() ? "right" : "wrong (" + r.outcome() + ")")));
            }
            table(sb, html, List.of("setting", "case", "answered by", "path", "answer"), rows);
        }
    }

    private static String num2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static void heading(StringBuilder sb, boolean html, String text) {
        sb.append(html ? "<h2>" + html(text) + "</h2>\n" : "\n## " + md(text) + "\n\n");
    }

    private static void paragraph(StringBuilder sb, boolean html, String text) {
        sb.append(html ? "<p>" + html(text) + "</p>\n" : md(text) + "\n\n");
    }

    /** A table whose every cell is escaped. */
    private static void table(StringBuilder sb, boolean html, List<String> headers, List<List<String>> rows) {
        if (html) {
            sb.append("<table><tr>");
            headers.forEach(h -> sb.append("<th>").append(html(h)).append("</th>"));
            sb.append("</tr>\n");
            for (List<String> row : rows) {
                sb.append("<tr>");
                row.forEach(c -> sb.append("<td>").append(html(c)).append("</td>"));
                sb.append("</tr>\n");
            }
            sb.append("</table>\n");
        } else {
            sb.append('|');
            headers.forEach(h -> sb.append(' ').append(md(h)).append(" |"));
            sb.append("\n|").append("---|".repeat(headers.size())).append('\n');
            for (List<String> row : rows) {
                sb.append('|');
                row.forEach(c -> sb.append(' ').append(md(c)).append(" |"));
                sb.append('\n');
            }
            sb.append('\n');
        }
    }

    private static List<List<String>> deltaRows(Comparison c) {
        return c.settings().stream().map(d -> List.of(d.setting(), Integer.toString(d.cases()),
                pct(d.accuracyBefore()), pct(d.accuracyAfter()))).toList();
    }
}

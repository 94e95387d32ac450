package dev.deliberate.cli.core;

import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.cascade.Cascade;
import dev.deliberate.core.council.Council;
import dev.deliberate.core.council.CouncilMember;
import dev.deliberate.core.profile.DomainProfile;
import dev.deliberate.core.profile.EvaluationCase;
import dev.deliberate.eval.EvalReport;
import dev.deliberate.eval.EvalRun;
import dev.deliberate.eval.Evaluator;
import dev.deliberate.eval.Outcome;
import dev.deliberate.eval.Setting;
import dev.deliberate.eval.SettingSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deliberate eval}: runs a profile's evaluation cases under every model and thinking budget given, and writes
 * the report (Markdown, self-contained HTML with charts, results.json). A thin layer over
 * {@link Evaluator} and {@link EvalReport}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate models and thinking budgets on a profile's cases; write a report with charts.",
            "Every --model runs at every --thinking-budget (or the profile's default budget when none is given);"
                    + " the --council and --cascade settings run at the profile's default budget."})
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--profile", required = true, paramLabel = "DIR", description = "The domain profile bundle.")
    Path profile;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "A model (a .gguf file or anything --model of reason accepts); repeatable.")
    List<String> models = new ArrayList<>();

    @Option(names = "--council", paramLabel = "MODEL",
            description = "A council member (repeat, at least twice): adds the setting 'council', asked with the"
                    + " profile's council settings; the report sets its agreement against correctness.")
    List<String> council = new ArrayList<>();

    @Option(names = "--cascade", paramLabel = "FAST[,DEEP]", split = ",",
            description = "Adds the setting 'cascade': the profile's cascade with FAST as the fast model and DEEP"
                    + " (default: FAST) as the deep one, then the --council members when given; the report shows its paths.")
    List<String> cascade = new ArrayList<>();

    @Option(names = "--thinking-budget", paramLabel = "N", split = ",",
            description = "Thinking budgets to compare (repeatable or comma-separated), e.g. 0,64,256.")
    List<Integer> budgets = new ArrayList<>();

    @Option(names = "--deadline", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Thinking deadline of every call, from its start (overrides the profile's).")
    Duration deadline;

    @Option(names = "--cases", paramLabel = "FILE",
            description = "Cases as JSON Lines (default: the profile's evaluation cases).")
    Path cases;

    @Option(names = "--report", required = true, paramLabel = "DIR",
            description = "Where to write report.md, report.html, charts/ and results.json.")
    Path report;

    @Option(names = "--baseline", paramLabel = "RESULTS.json",
            description = "An earlier run's results.json: the report lists the cases that got better or worse.")
    Path baseline;

    @CommandLine.Mixin
    LocalModelOptions local = new LocalModelOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        for (Integer b : budgets) {
            if (b < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--thinking-budget must be >= 0, got "
                        + b);
            }
        }
        local.check(spec.commandLine());
        if (models.isEmpty() && council.isEmpty() && cascade.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give at least one --model, --council or"
                    + " --cascade");
        }
        if (council.size() == 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "a --council needs at least two members");
        }
        if (cascade.size() > 2) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cascade takes FAST or FAST,DEEP");
        }
        Set<String> unique = new LinkedHashSet<>(models);
        if (unique.size() != models.size()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the same --model is given twice");
        }
        DomainProfile domain = DomainProfile.load(profile);
        List<EvaluationCase> caseList = cases == null ? domain.evaluation().cases() : EvaluationCase.readJsonLines(cases);
        if (caseList.isEmpty()) {
            throw new CommandFailedException(profile + ": the profile has no evaluation cases (give --cases FILE)");
        }
        Optional<EvalRun> before = baseline == null ? Optional.empty() : Optional.of(EvalRun.read(baseline));
        try (OpenModels open = new OpenModels(local.apply(ModelOptions.defaults()), err)) {
            Evaluator evaluator = Evaluator.of(domain, caseList);
            for (String m : models) {
                ReasoningModel model = open.get(m);
                String name = OpenModels.shortName(m);
                if (budgets.isEmpty()) {
                    evaluator.setting(new Setting(name, model, OptionalInt.empty(), Optional.ofNullable(deadline)));
                }
                for (int b : budgets) {
                    evaluator.setting(new Setting(name + "@" + b, model, OptionalInt.of(b),
                            Optional.ofNullable(deadline)));
                }
            }
            if (!council.isEmpty()) {
                evaluator.setting(Setting.council("council", council(domain, open)));
            }
            if (!cascade.isEmpty()) {
                Cascade.Builder b = domain.cascade(open.get(cascade.get(0)), open.get(cascade.get(cascade.size() - 1)));
                if (!council.isEmpty()) {
                    b.council("council", council(domain, open));
                }
                evaluator.setting(Setting.cascade("cascade", b.build()));
            }
            boolean live = System.console() != null; // \r-redrawn progress only on a terminal
            EvalRun run = evaluator.run((done, total, last) -> progress(err, live, done, total, last.setting(),
                    last.caseId(), last.outcome()));
            EvalReport.Files files = EvalReport.write(run, before, report);
            for (SettingSummary s : run.summaries()) {
                out.printf(Locale.ROOT, "%-28s correct %5.1f%%  valid %5.1f%%  wrong %d  budget-cut %d  deadline %d"
                        + "  invalid %d  error %d  p50 %d ms%n", s.setting().label(), 100 * s.accuracy(),
                        100 * s.validity(), s.outcomes().get(Outcome.WRONG), s.outcomes().get(Outcome.BUDGET_CUT),
                        s.outcomes().get(Outcome.DEADLINE), s.outcomes().get(Outcome.INVALID),
                        s.outcomes().get(Outcome.ERROR), s.latencyP50Millis());
                s.council().ifPresent(w -> out.printf(Locale.ROOT, "%-28s disagreement as a warning of a wrong answer:"
                        + " precision %s, recall %s (%d flagged, %d wrong, %d cases with a verdict)%n",
                        s.setting().label(), ratio(w.precision()), ratio(w.recall()),
                        w.disagreedCorrect() + w.disagreedWrong(), w.agreedWrong() + w.disagreedWrong(),
                        w.withVerdict()));
                s.cascade().ifPresent(p -> out.printf(Locale.ROOT, "%-28s answered by %s%n", s.setting().label(),
                        p.answeredBy().toString().replace("=", ": ")));
            }
            out.println("wrote " + files.markdown() + ", " + files.html() + " and " + files.results());
            out.flush();
        }
        return 0;
    }

    /** The --council members under the profile's council settings; member i samples with seed 43 + i. */
    private Council council(DomainProfile domain, OpenModels open) {
        Council.Builder b = Council.builder().options(domain.councilOptions().build());
        List<String> names = OpenModels.memberNames(council);
        for (int i = 0; i < council.size(); i++) {
            b.member(CouncilMember.of(names.get(i), open.get(council.get(i)))
                    .withSampling(dev.deliberate.core.Sampling.defaults().withSeed(43 + i)));
        }
        return b.build();
    }

    private static String ratio(java.util.OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.1f%%", 100 * v.getAsDouble()) : "-";
    }

    private static void progress(PrintWriter err, boolean live, int done, int total, String setting, String id,
            Outcome outcome) {
        int width = 30;
        int filled = (int) Math.round((double) done / total * width);
        String bar = "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
        String line = String.format(Locale.ROOT, "%s %d/%d %s %s %s", bar, done, total,
                TerminalText.sanitize(setting), TerminalText.sanitize(id), outcome.name().toLowerCase(Locale.ROOT));
        if (live) {
            err.print("\r" + line + (done == total ? "\n" : ""));
        } else if (done == total || done % Math.max(1, total / 10) == 0) {
            err.println(line);
        }
        err.flush();
    }
}

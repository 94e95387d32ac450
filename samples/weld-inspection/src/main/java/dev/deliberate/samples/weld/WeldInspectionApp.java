package dev.deliberate.samples.weld;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.profile.DomainProfile;
import dev.deliberate.core.profile.SafetyRules;
import dev.deliberate.eval.EvalReport;
import dev.deliberate.eval.EvalRun;
import dev.deliberate.eval.Evaluator;
import dev.deliberate.eval.Setting;
import dev.deliberate.eval.SettingSummary;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A third industry, built only from Deliberate's public API: visual weld inspection in steel fabrication. The domain
 * lives in a profile bundle ({@code samples/weld-inspection/profile}: prompt, glossary, answer schema, examples,
 * safety rules, evaluation cases); this app asks one question under it ({@code ask}) or evaluates models and thinking
 * budgets on its cases ({@code eval}). Without {@code --model} it runs on the tiny generated model, whose weights are
 * random: the plumbing is real, the inspection is not.
 */
@Command(name = "weld-inspection", mixinStandardHelpOptions = true,
        description = "Weld inspection with a reasoning model: ask one question, or evaluate on the profile's cases.",
        subcommands = {WeldInspectionApp.Ask.class, WeldInspectionApp.Eval.class, WeldInspectionApp.TrainingData.class})
public final class WeldInspectionApp implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** Runs the app and returns its exit code (errors as one line, no stack trace). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new WeldInspectionApp());
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            String message = e instanceof java.nio.file.NoSuchFileException f ? f.getFile() + ": no such file"
                    : e instanceof IOException || e instanceof DeliberateException ? e.getMessage() : e.toString();
            c.getErr().println("weld-inspection: " + message);
            c.getErr().flush();
            return 1;
        });
        return cli.execute(args);
    }

    public static void main(String[] args) {
        int code = run(args);
        System.out.flush();
        Runtime.getRuntime().halt(code); // the native runtime may keep threads alive
    }

    /** Options both subcommands share. */
    static final class Common {
        @Option(names = "--profile", paramLabel = "DIR",
                description = "The profile bundle (default: the one shipped in this app).")
        Path profile;

        @Option(names = "--model", paramLabel = "FILE",
                description = "A .gguf model (default: the tiny generated test model, random words).")
        Path model;

        @Option(names = "--models-dir", paramLabel = "DIR", defaultValue = "target/models",
                description = "Where the tiny model is made when --model is not given (default ${DEFAULT-VALUE}).")
        Path modelsDir;

        DomainProfile profile() throws IOException {
            return profile == null
                    ? DomainProfile.fromClasspath("profiles/weld-inspection", WeldInspectionApp.class.getClassLoader())
                    : DomainProfile.load(profile);
        }

        Path model(PrintWriter err) throws IOException {
            if (model != null) {
                if (!Files.isRegularFile(model)) {
                    throw new java.nio.file.NoSuchFileException(model.toString());
                }
                return model;
            }
            Path tiny = modelsDir.resolve("deliberate-tiny-" + TestModelGenerator.DEFAULT_SEED + ".gguf");
            if (!Files.isRegularFile(tiny)) {
                TestModelGenerator.of(TestModelPreset.TINY, TestModelGenerator.DEFAULT_SEED).writeGguf(tiny);
            }
            err.println("note: no --model given: using the tiny generated test model " + tiny
                    + " (random weights: its words are random)");
            return tiny;
        }
    }

    /** {@code ask TEXT}: one description, one answer, the safety verdict. */
    @Command(name = "ask", mixinStandardHelpOptions = true, description = "Classify one weld described in words.")
    static final class Ask implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Option(names = "--seed", defaultValue = "42", description = "Sampling seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Parameters(arity = "1..*", paramLabel = "TEXT", description = "The inspector's description.")
        List<String> text = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            DomainProfile profile = common.profile();
            try (ReasoningModel model = ReasoningModels.open(ModelLocator.file(common.model(err)))) {
                Reasoning r = model.reason(profile.request(String.join(" ", text)).toBuilder()
                        .sampling(dev.deliberate.core.Sampling.defaults().withSeed(seed)).build());
                JsonNode answer = r.answerJson().orElseThrow();
                SafetyRules.SafetyVerdict verdict = profile.safety().judge(answer);
                out.println(answer);
                out.printf(Locale.ROOT, "%s: %s, %d thinking tokens, %s%n", profile.id(), r.finish(),
                        r.usage().thinkingTokens(), verdict.passes() ? "no escalation"
                                : "ESCALATE to a certified inspector: " + String.join("; ", concat(verdict)));
                out.flush();
                return verdict.violations().isEmpty() ? 0 : 3;
            }
        }

        private static List<String> concat(SafetyRules.SafetyVerdict v) {
            List<String> all = new ArrayList<>(v.violations());
            all.addAll(v.escalations());
            return all;
        }
    }

    /** {@code eval}: the profile's cases at several thinking budgets, with the report. */
    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Evaluate the model at several thinking budgets on the profile's cases; write the report.")
    static final class Eval implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Option(names = "--thinking-budget", split = ",", defaultValue = "0,16,64",
                description = "Budgets to compare (default ${DEFAULT-VALUE}).")
        List<Integer> budgets = new ArrayList<>();

        @Option(names = "--report", paramLabel = "DIR", defaultValue = "target/weld-report",
                description = "Report folder (default ${DEFAULT-VALUE}).")
        Path report;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            DomainProfile profile = common.profile();
            try (ReasoningModel model = ReasoningModels.open(ModelLocator.file(common.model(err)))) {
                Evaluator evaluator = Evaluator.of(profile);
                for (int b : budgets) {
                    evaluator.setting(Setting.of("budget " + b, model, b));
                }
                EvalRun run = evaluator.run((done, total, last) -> {
                    if (done == total || done % 8 == 0) {
                        err.println("evaluated " + done + "/" + total);
                        err.flush();
                    }
                });
                EvalReport.Files files = EvalReport.write(run, Optional.empty(), report);
                for (SettingSummary s : run.summaries()) {
                    out.printf(Locale.ROOT, "%-12s correct %5.1f%%  valid %5.1f%%  escalations %d%n",
                            s.setting().label(), 100 * s.accuracy(), 100 * s.validity(), s.escalations());
                }
                out.println("report: " + files.html());
                out.flush();
                return 0;
            }
        }
    }

    /** {@code training-data}: the seeded training and held-out sets for a LoRA adapter ({@link WeldTrainingData}). */
    @Command(name = "training-data", mixinStandardHelpOptions = true,
            description = "Write train.jsonl and heldout.jsonl (chat examples for deliberate adapt train --data/--eval)"
                    + " and heldout-cases.jsonl (the held-out set for deliberate eval --cases), labelled by the"
                    + " profile's rules.")
    static final class TrainingData implements Callable<Integer> {
        @Option(names = "--profile", paramLabel = "DIR",
                description = "The profile bundle (default: the one shipped in this app).")
        Path profile;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where to write the files.")
        Path out;

        @Option(names = "--train", defaultValue = "240", description = "Training examples (default ${DEFAULT-VALUE}).")
        int train;

        @Option(names = "--held-out", defaultValue = "40",
                description = "Held-out cases (default ${DEFAULT-VALUE}).")
        int heldOut;

        @Option(names = "--seed", defaultValue = "2026", description = "Seed (default ${DEFAULT-VALUE}).")
        long seed;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            DomainProfile p = profile == null
                    ? DomainProfile.fromClasspath("profiles/weld-inspection", WeldInspectionApp.class.getClassLoader())
                    : DomainProfile.load(profile);
            if (train < 1 || heldOut < 1 || train + heldOut > 5000) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--train and --held-out must be at least 1 and at most 5000 together");
            }
            new WeldTrainingData(train, heldOut, seed).write(p, out);
            PrintWriter w = spec.commandLine().getOut();
            w.println("wrote " + out.resolve("train.jsonl") + " (" + train + " examples), "
                    + out.resolve("heldout.jsonl") + " and " + out.resolve("heldout-cases.jsonl") + " (" + heldOut
                    + " held-out examples)");
            w.flush();
            return 0;
        }
    }
}

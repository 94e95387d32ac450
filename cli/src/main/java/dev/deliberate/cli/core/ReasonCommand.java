package dev.deliberate.cli.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.InvalidSchemaException;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningCall;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.core.profile.DomainProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deliberate reason}: one question to a local or remote model, thinking shown apart from the answer. */
@Command(
        name = "reason",
        mixinStandardHelpOptions = true,
        description = {
            "Asks a reasoning model one question and shows its thinking, then its answer.",
            "Without --json the thinking streams first (dimmed on a terminal), then the answer; a summary goes to"
                    + " stderr. With --json one JSON object is printed at the end."
        })
public final class ReasonCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "The model: a .gguf file, or an OpenAI-compatible endpoint http(s)://host:port/v1[#model].")
    String model;

    @CommandLine.Mixin
    RemoteModelOptions remote = new RemoteModelOptions();

    @CommandLine.Mixin
    ModelQuestionOptions ask = new ModelQuestionOptions();

    @Option(names = "--deadline", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Close thinking this long after the call starts (model loading does not count), e.g."
                    + " 5s, 800ms or 0ms; the answer still comes.")
    Duration deadline;

    @Option(names = "--audit", paramLabel = "FILE",
            description = "Append a record of this call to this audit trail (JSON Lines, hash-chained).")
    Path audit;

    @Option(names = "--json", description = "Print one JSON object with thinking, answer, usage, timings, model.")
    boolean json;

    @CommandLine.Mixin
    ProfileOption profile = new ProfileOption();

    @Parameters(arity = "1..*", paramLabel = "PROMPT", description = "The question (several words are joined).")
    List<String> prompt;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        checkOptions();
        AnswerFormat format = ask.answer.format();
        DomainProfile domain = profile.load().orElse(null);
        Sampling sampling = ask.sampling.sampling();
        ModelLocator locator = ModelLocator.parse(model);
        ModelOptions options = remote.apply(ask.local.apply(ModelOptions.defaults()));
        options = LoadProgress.attach(options, locator, err);
        AtomicReference<ReasoningCall> running = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean loaded = new java.util.concurrent.atomic.AtomicBoolean();
        // Ctrl-C: cancel the call; the partial result is still printed below, and the command exits 130. While the
        // model loads there is nothing to keep: end at once. Between the load and the call's start, the main thread
        // sees the flag and cancels the call it just started.
        try (Interrupts sigint = Interrupts.onSigint(() -> {
            ReasoningCall call = running.get();
            if (call != null) {
                call.cancel();
            } else if (!loaded.get()) {
                err.println();
                err.println("deliberate: cancelled");
                err.flush();
                System.exit(Interrupts.EXIT_CODE);
            }
        }); var trail = audit == null ? null : dev.deliberate.core.audit.AuditTrail.open(audit);
             ReasoningModel opened = ReasoningModels.open(locator, options)) {
            ReasoningModel m = trail == null ? opened : trail.audited(opened);
            loaded.set(true);
            dev.deliberate.testmodel.TestModelPreset.ofModelName(m.info().modelId()).ifPresent(p -> err.println(
                    "note: " + locator + " is a generated test model with RANDOM weights: its words are random"));
            ReasoningRequest request = request(domain, format, sampling);
            ReasoningOutput.Streaming streaming = json ? null : ReasoningOutput.streaming(out, Terminal.isInteractive());
            ReasoningCall call;
            try {
                call = m.start(request, json ? e -> { } : streaming);
            } catch (InvalidSchemaException e) {
                throw new InvalidSchemaException("schema file " + ask.answer.schema().orElse(null) + ": "
                        + e.getMessage(), e);
            }
            running.set(call);
            org.slf4j.LoggerFactory.getLogger(ReasonCommand.class).debug("reasoning call started");
            if (sigint.interrupted()) {
                call.cancel(); // Ctrl-C came between the load and the start
            }
            Reasoning r = call.join();
            if (domain != null && r.answerJson().isPresent()) {
                ProfileOption.reportSafety(err, domain, r.answerJson().get());
            }
            if (json) {
                out.println(ReasoningOutput.json(new ObjectMapper(), r).toString());
                out.flush();
            } else {
                String retries = streaming.rejectedAttempts() == 0 ? ""
                        : " after " + streaming.rejectedAttempts() + " rejected answer attempt(s)";
                err.println(ReasoningOutput.summary(r) + retries);
            }
            if (r.finish() == FinishReason.CANCELLED && sigint.interrupted()) {
                err.println("deliberate: cancelled");
                err.flush();
                return Interrupts.EXIT_CODE;
            }
            err.flush();
        }
        return 0;
    }

    /** The request: from the profile when one is given (this command's options override its budgets). */
    private ReasoningRequest request(DomainProfile domain, AnswerFormat format, Sampling sampling) {
        String question = String.join(" ", prompt);
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        ReasoningRequest.Builder b;
        ThinkingBudget budget;
        b = ask.request(java.util.Optional.ofNullable(domain), question, parsed);
        if (domain != null) {
            budget = b.build().thinkingBudget();
            if (ask.thinking.budget().isPresent()) {
                budget = new ThinkingBudget(ask.thinking.budget().getAsInt(), budget.deadline(), budget.timeout());
            }
        } else {
            b.answerFormat(format);
            budget = ask.thinking.budget().isEmpty() ? ThinkingBudget.unlimited()
                    : ThinkingBudget.tokens(ask.thinking.budget().getAsInt());
        }
        if (deadline != null) {
            budget = budget.within(deadline); // counts from the call's start, not from loading
        }
        return b.thinkingBudget(budget).sampling(sampling).build();
    }

    private void checkOptions() {
        CommandLine cl = spec.commandLine();
        profile.checkAgainst(cl, ask.answer);
        ask.check(cl);
        if (String.join(" ", prompt).isBlank()) {
            throw new CommandLine.ParameterException(cl, "PROMPT is empty");
        }
    }
}

package dev.deliberate.cli.core;

import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.profile.DomainProfile;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.core.audit.AuditRedactor;
import dev.deliberate.core.audit.AuditTrail;
import dev.deliberate.core.audit.ResultJson;
import dev.deliberate.core.cascade.Cascade;
import dev.deliberate.core.cascade.CascadeResult;
import dev.deliberate.core.cascade.CascadeRule;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deliberate cascade}: a fast answer first, deep reasoning and then a council only when needed. */
@Command(
        name = "cascade",
        mixinStandardHelpOptions = true,
        description = {
            "Answers with the fast model without thinking first; escalates to deep reasoning (--deep, thinking"
                    + " --thinking-budget tokens), then to a council of the --member models, when the answer is"
                    + " invalid, its --confidence-field is below --min-confidence, or the case is --novel.",
            "With --profile: the profile's prompt, schema and answer bound; the fast step thinks its"
                    + " cascade.fastThinkingBudget tokens, the deep step its default budget and deadline; its"
                    + " confidence field and safety rules also escalate; --novel skips the fast step only when its"
                    + " cascade.escalateNovel is true; its council settings apply to the council step.",
            "Exit status: 0 when a step's answer was accepted, 3 when the case stays unresolved (even the last"
                    + " step's answer was not good enough), 1 on errors, 2 on bad arguments."
        })
public final class CascadeCommand implements Callable<Integer> {

    /** Thinking tokens of the deep step when {@code --thinking-budget} is not given. */
    static final int DEFAULT_THINKING_BUDGET = 1024;

    @Option(names = "--fast", required = true, paramLabel = "MODEL", description = "The fast model (no thinking).")
    String fast;

    @Option(names = "--deep", paramLabel = "MODEL", description = "The deep-reasoning model (default: the fast one).")
    String deep;

    @CommandLine.Mixin
    CouncilSettings settings = new CouncilSettings();

    @CommandLine.Mixin
    ModelQuestionOptions ask = new ModelQuestionOptions();

    @CommandLine.Mixin
    ProfileOption profile = new ProfileOption();

    @Option(names = "--confidence-field", paramLabel = "POINTER",
            description = "JSON Pointer of the answer's confidence, e.g. /confidence (needs --schema).")
    String confidenceField;

    @Option(names = "--min-confidence", paramLabel = "X", defaultValue = "0.8",
            description = "Escalate when the confidence is below this (default: ${DEFAULT-VALUE}).")
    double minConfidence;

    @Option(names = "--novel", description = "The case is novel: skip the fast step.")
    boolean novel;

    @Option(names = "--audit", paramLabel = "FILE", description = "Append a record of this cascade to this audit"
            + " trail.")
    Path audit;

    @Option(names = "--json", description = "Print one JSON object: path, answer, answerJson, decidedBy, resolved,"
            + " usage.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "PROMPT", description = "The question.")
    List<String> prompt;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CommandLine cl = spec.commandLine();
        if (String.join(" ", prompt).isBlank()) {
            throw new CommandLine.ParameterException(cl, "PROMPT is empty");
        }
        ask.check(cl);
        profile.checkAgainst(cl, ask.answer);
        settings.check(cl, false);
        if (confidenceField != null && ask.answer.schema().isEmpty() && !profile.given()) {
            throw new CommandLine.ParameterException(cl, "--confidence-field needs --schema");
        }
        Optional<DomainProfile> domain = profile.load();
        ReasoningRequest.Builder rb = ask.request(domain, String.join(" ", prompt), cl.getParseResult());
        if (domain.isPresent() && ask.thinking.budget().isPresent()) {
            // the deep step thinks with the request's budget: --thinking-budget replaces the profile's budget,
            // its deadline stays
            ThinkingBudget b = rb.build().thinkingBudget();
            rb.thinkingBudget(new ThinkingBudget(ask.thinking.budget().getAsInt(), b.deadline(), b.timeout()));
        }
        ReasoningRequest request = rb.build();
        ModelOptions options = ask.local.apply(ModelOptions.defaults());
        try (OpenModels models = new OpenModels(options, err);
             AuditTrail trail = audit == null ? null : AuditTrail.open(audit, AuditRedactor.none())) {
            ReasoningModel fastModel = models.get(fast);
            ReasoningModel deepModel = models.get(deep == null ? fast : deep);
            Cascade.Builder b = domain.isPresent() ? domain.get().cascade(fastModel, deepModel) : Cascade.builder()
                    .fast("fast", fastModel, ThinkingBudget.none())
                    .deep("deep", deepModel, ThinkingBudget.tokens(ask.thinking.budget()
                            .orElse(DEFAULT_THINKING_BUDGET)));
            if (!settings.members().isEmpty()) {
                long seed = ask.sampling.seed().orElse(0);
                Sampling base = ask.sampling.base();
                b.council("council", settings.council(models, settings.options(domain, cl.getParseResult()).build(),
                        i -> base.withSeed(seed + i + 1)).build());
            }
            if (confidenceField != null) {
                b.rule(CascadeRule.confidenceBelow(confidenceField, minConfidence));
            }
            boolean skipFast = novel && domain.map(d -> d.cascade().escalateNovel()).orElse(true);
            CascadeResult result = b.build().run(request, skipFast);
            if (trail != null) {
                trail.recordCascade(request, result);
            }
            if (domain.isPresent() && result.answerJson().isPresent()) {
                ProfileOption.reportSafety(err, domain.get(), result.answerJson().get());
            }
            if (json) {
                out.println(ResultJson.cascade(result, AuditRedactor.none()).toString());
                out.flush();
            } else {
                CouncilOutput.cascade(out, result, Terminal.isInteractive());
            }
            return result.resolved() ? 0 : CouncilCommand.DISAGREEMENT;
        }
    }
}

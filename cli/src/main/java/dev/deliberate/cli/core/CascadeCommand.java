package dev.deliberate.cli.core;

import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.core.audit.AuditRedactor;
import dev.deliberate.core.audit.AuditTrail;
import dev.deliberate.core.audit.ResultJson;
import dev.deliberate.core.cascade.Cascade;
import dev.deliberate.core.cascade.CascadeResult;
import dev.deliberate.core.cascade.CascadeRule;
import dev.deliberate.core.council.Council;
import dev.deliberate.core.council.CouncilMember;
import dev.deliberate.core.council.CouncilOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
            "Exit status: 0 when a step's answer was accepted, 3 when the case stays unresolved (even the last"
                    + " step's answer was not good enough), 1 on errors, 2 on bad arguments."
        })
public final class CascadeCommand implements Callable<Integer> {

    @Option(names = "--fast", required = true, paramLabel = "MODEL", description = "The fast model (no thinking).")
    String fast;

    @Option(names = "--deep", paramLabel = "MODEL", description = "The deep-reasoning model (default: the fast one).")
    String deep;

    @Option(names = "--member", paramLabel = "MODEL", description = "A council member for the last step. Repeat.")
    List<String> members = List.of();

    @Option(names = "--schema", paramLabel = "FILE", description = "A JSON Schema file for the answers.")
    Path schema;

    @Option(names = "--thinking-budget", paramLabel = "N", defaultValue = "1024",
            description = "Thinking tokens of the deep step (default: ${DEFAULT-VALUE}).")
    int thinkingBudget;

    @Option(names = "--confidence-field", paramLabel = "POINTER",
            description = "JSON Pointer of the answer's confidence, e.g. /confidence (needs --schema).")
    String confidenceField;

    @Option(names = "--min-confidence", paramLabel = "X", defaultValue = "0.8",
            description = "Escalate when the confidence is below this (default: ${DEFAULT-VALUE}).")
    double minConfidence;

    @Option(names = "--novel", description = "The case is novel: skip the fast step.")
    boolean novel;

    @Option(names = "--deadline", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Time for the council step.")
    Duration deadline;

    @Option(names = "--quorum", paramLabel = "N", defaultValue = "0", description = "Council quorum.")
    int quorum;

    @Option(names = "--threshold", paramLabel = "X", defaultValue = "" + CouncilOptions.DEFAULT_THRESHOLD,
            description = "Council disagreement threshold (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--answer-budget", paramLabel = "N", defaultValue = "" + ReasoningRequest.DEFAULT_ANSWER_MAX_TOKENS,
            description = "Most answer tokens (default: ${DEFAULT-VALUE}).")
    int answerBudget;

    @Option(names = "--seed", paramLabel = "N", description = "Sampling seed.")
    Long seed;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "CPU threads per local model.")
    int threads;

    @Option(names = "--context", paramLabel = "N", defaultValue = "0", description = "Context window in tokens.")
    int context;

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
        if (thinkingBudget < 0 || answerBudget < 1 || threads < 0 || context < 0) {
            throw new CommandLine.ParameterException(cl, "--thinking-budget, --threads, --context must be >= 0,"
                    + " --answer-budget >= 1");
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new CommandLine.ParameterException(cl, "--threshold must be in [0, 1], got " + threshold);
        }
        if (quorum < 0 || (!members.isEmpty() && quorum > members.size())) {
            throw new CommandLine.ParameterException(cl, "--quorum must be in [0, " + members.size() + "]");
        }
        if (confidenceField != null && schema == null) {
            throw new CommandLine.ParameterException(cl, "--confidence-field needs --schema");
        }
        AnswerFormat format = schema == null ? AnswerFormat.text() : ReasonCommand.readSchema(schema);
        Sampling sampling = seed == null ? Sampling.defaults() : Sampling.defaults().withSeed(seed);
        ReasoningRequest request = ReasoningRequest.builder().answerFormat(format).answerMaxTokens(answerBudget)
                .sampling(sampling).user(String.join(" ", prompt)).build();
        ModelOptions options = ModelOptions.defaults().with(new dev.deliberate.llama.LlamaOptions(threads, context, 0));
        try (OpenModels models = new OpenModels(options, err);
             AuditTrail trail = audit == null ? null : AuditTrail.open(audit, AuditRedactor.none())) {
            Cascade.Builder b = Cascade.builder()
                    .fast("fast", models.get(fast), ThinkingBudget.none())
                    .deep("deep", models.get(deep == null ? fast : deep), ThinkingBudget.tokens(thinkingBudget));
            if (!members.isEmpty()) {
                CouncilOptions.Builder ob = CouncilOptions.builder().quorum(quorum).threshold(threshold);
                if (deadline != null) {
                    ob.deadline(deadline);
                }
                Council.Builder cb = Council.builder().options(ob.build());
                List<String> names = OpenModels.memberNames(members);
                for (int i = 0; i < members.size(); i++) {
                    cb.member(CouncilMember.of(names.get(i), models.get(members.get(i)))
                            .withSampling(Sampling.defaults().withSeed((seed == null ? 0 : seed) + i + 1)));
                }
                b.council("council", cb.build());
            }
            if (confidenceField != null) {
                b.rule(CascadeRule.confidenceBelow(confidenceField, minConfidence));
            }
            CascadeResult result = b.build().run(request, novel);
            if (trail != null) {
                trail.recordCascade(request, result);
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

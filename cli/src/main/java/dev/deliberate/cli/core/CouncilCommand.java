package dev.deliberate.cli.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.core.audit.AuditRedactor;
import dev.deliberate.core.audit.AuditTrail;
import dev.deliberate.core.audit.ResultJson;
import dev.deliberate.core.council.ConsensusRule;
import dev.deliberate.core.council.Council;
import dev.deliberate.core.council.CouncilMember;
import dev.deliberate.core.council.CouncilOptions;
import dev.deliberate.core.council.CouncilQuorumException;
import dev.deliberate.core.council.CouncilResult;
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

/** {@code deliberate council}: several models answer, review each other, and the agreement is measured. */
@Command(
        name = "council",
        mixinStandardHelpOptions = true,
        description = {
            "Asks several models the same question: each answers independently, then judges the others' anonymised"
                    + " answers; the agreement is measured per field and overall, and a disagreement is flagged.",
            "Repeat --member; the same model given twice is one model with two seeds (self-consistency).",
            "Exit status: 0 when the members agree, 3 when they disagree (agreement below --threshold), 1 on errors"
                    + " (also when fewer than --quorum members answered), 2 on bad arguments."
        })
public final class CouncilCommand implements Callable<Integer> {

    /** Exit status when the council flags disagreement. */
    static final int DISAGREEMENT = 3;

    @Option(names = "--member", required = true, paramLabel = "MODEL",
            description = "A member: a .gguf file or an endpoint URL (anything --model accepts). Repeat.")
    List<String> members;

    @Option(names = "--chair", paramLabel = "MODEL", description = "A chair that writes the final answer.")
    String chair;

    @Option(names = "--schema", paramLabel = "FILE", description = "A JSON Schema file for the answers.")
    Path schema;

    @Option(names = "--thinking-budget", paramLabel = "N",
            description = "Thinking tokens for the whole council, split over stages and members.")
    Integer thinkingBudget;

    @Option(names = "--deadline", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Time for the whole council, e.g. 30s; split over the stages, late members are cancelled.")
    Duration deadline;

    @Option(names = "--quorum", paramLabel = "N", defaultValue = "0",
            description = "Least number of valid answers (default: a majority of the members).")
    int quorum;

    @Option(names = "--threshold", paramLabel = "X", defaultValue = "" + CouncilOptions.DEFAULT_THRESHOLD,
            description = "Agreement below this is a disagreement (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--consensus", paramLabel = "RULE", defaultValue = "majority",
            description = "majority or review-weighted (default: ${DEFAULT-VALUE}).")
    String consensus;

    @Option(names = "--no-review", description = "Skip stage 2 (cross-review).")
    boolean noReview;

    @Option(names = "--max-local", paramLabel = "N", defaultValue = "1",
            description = "Most local generations at once (default: ${DEFAULT-VALUE}).")
    int maxLocal;

    @Option(names = "--answer-budget", paramLabel = "N", defaultValue = "" + ReasoningRequest.DEFAULT_ANSWER_MAX_TOKENS,
            description = "Most answer tokens per member (default: ${DEFAULT-VALUE}).")
    int answerBudget;

    @Option(names = "--critique-length", paramLabel = "N", defaultValue = "280",
            description = "Longest critique in characters (default: ${DEFAULT-VALUE}).")
    int critiqueLength;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the first member; member i gets N+i.")
    Long seed;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature, 0 to 2 (default 0.6).")
    Double temperature;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message.")
    String system;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "CPU threads per local model.")
    int threads;

    @Option(names = "--context", paramLabel = "N", defaultValue = "0", description = "Context window in tokens.")
    int context;

    @Option(names = "--audit", paramLabel = "FILE", description = "Append a record of this council to this audit"
            + " trail (JSON Lines, hash-chained).")
    Path audit;

    @Option(names = "--json", description = "Print one JSON object: members, reviews, agreement, fieldAgreement,"
            + " disagreement, consensus, usage, timings.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "PROMPT", description = "The question (several words are joined).")
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
        if (thinkingBudget != null && thinkingBudget < 0) {
            throw new CommandLine.ParameterException(cl, "--thinking-budget must be >= 0, got " + thinkingBudget);
        }
        if (quorum < 0 || quorum > members.size()) {
            throw new CommandLine.ParameterException(cl, "--quorum must be in [0, " + members.size() + "], got "
                    + quorum);
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new CommandLine.ParameterException(cl, "--threshold must be in [0, 1], got " + threshold);
        }
        if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
            throw new CommandLine.ParameterException(cl, "--temperature must be in [0, 2], got " + temperature);
        }
        ConsensusRule rule = switch (consensus) {
            case "majority" -> ConsensusRule.MAJORITY;
            case "review-weighted" -> ConsensusRule.REVIEW_WEIGHTED;
            default -> throw new CommandLine.ParameterException(cl, "--consensus must be majority or"
                    + " review-weighted, got " + consensus);
        };
        if (maxLocal < 1 || answerBudget < 1 || critiqueLength < 8 || critiqueLength > 4000 || threads < 0
                || context < 0) {
            throw new CommandLine.ParameterException(cl, "--max-local, --answer-budget must be >= 1, --threads,"
                    + " --context >= 0, --critique-length in [8, 4000]");
        }
        AnswerFormat format = schema == null ? AnswerFormat.text() : ReasonCommand.readSchema(schema);
        CouncilOptions.Builder ob = CouncilOptions.builder().quorum(quorum).threshold(threshold).consensusRule(rule)
                .review(!noReview).maxConcurrentLocal(maxLocal).critiqueMaxChars(critiqueLength);
        if (thinkingBudget != null) {
            ob.totalThinkingTokens(thinkingBudget);
        }
        if (deadline != null) {
            if (deadline.isZero()) {
                throw new CommandLine.ParameterException(cl, "--deadline must be positive");
            }
            ob.deadline(deadline);
        }
        Sampling base = Sampling.defaults();
        if (temperature != null) {
            base = base.withTemperature(temperature);
        }
        ReasoningRequest.Builder rb = ReasoningRequest.builder().answerFormat(format).answerMaxTokens(answerBudget)
                .sampling(base).thinkingBudget(ThinkingBudget.unlimited());
        if (system != null) {
            rb.system(system);
        }
        ReasoningRequest request = rb.user(String.join(" ", prompt)).build();
        ModelOptions options = ModelOptions.defaults().with(new dev.deliberate.llama.LlamaOptions(threads, context, 0));
        try (OpenModels models = new OpenModels(options, err);
             AuditTrail trail = audit == null ? null : AuditTrail.open(audit, AuditRedactor.none())) {
            Council.Builder cb = Council.builder().options(ob.build());
            List<String> names = OpenModels.memberNames(members);
            for (int i = 0; i < members.size(); i++) {
                CouncilMember m = CouncilMember.of(names.get(i), models.get(members.get(i)));
                if (seed != null) {
                    m = m.withSampling(base.withSeed(seed + i));
                } else if (members.indexOf(members.get(i)) != i) {
                    m = m.withSampling(base.withSeed(i + 1)); // a repeated model: a different seed per member
                }
                cb.member(m);
            }
            if (chair != null) {
                cb.chair(CouncilMember.of("chair", models.get(chair)));
            }
            Council council = cb.build();
            CouncilResult result;
            try {
                result = council.deliberate(request, json ? dev.deliberate.core.council.CouncilListener.IGNORE
                        : CouncilOutput.progress(err));
            } catch (CouncilQuorumException e) {
                if (trail != null) {
                    trail.recordCouncilFailure(request, e);
                }
                if (json) {
                    ObjectNode o = ResultJson.council(e.partial(), AuditRedactor.none());
                    o.put("error", e.getMessage());
                    out.println(o.toString());
                } else {
                    CouncilOutput.council(out, e.partial(), Terminal.isInteractive());
                }
                out.flush();
                throw e;
            }
            if (trail != null) {
                trail.recordCouncil(request, result);
            }
            if (json) {
                out.println(ResultJson.council(result, AuditRedactor.none()).toString());
                out.flush();
            } else {
                CouncilOutput.council(out, result, Terminal.isInteractive());
            }
            return result.disagreement() ? DISAGREEMENT : 0;
        }
    }
}

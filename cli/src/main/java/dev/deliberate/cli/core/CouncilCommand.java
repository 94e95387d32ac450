package dev.deliberate.cli.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.deliberate.core.profile.DomainProfile;
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

/** {@code deliberate council}: several models answer, review each other, and the agreement is measured. */
@Command(
        name = "council",
        mixinStandardHelpOptions = true,
        description = {
            "Asks several models the same question: each answers independently, then judges the others' anonymised"
                    + " answers; the agreement is measured per field and overall, and a disagreement is flagged.",
            "Repeat --member; the same model given twice is one model with two seeds (self-consistency).",
            "With --profile: every member is asked the profile's request (prompt, schema, thinking budget and"
                    + " deadline per call), its council quorum and threshold apply unless given here, and its safety"
                    + " rules judge the final answer (stderr).",
            "Exit status: 0 when the members agree, 3 when they disagree (agreement below --threshold), 1 on errors"
                    + " (also when fewer than --quorum members answered), 2 on bad arguments."
        })
public final class CouncilCommand implements Callable<Integer> {

    /** Exit status when the council flags disagreement. */
    static final int DISAGREEMENT = 3;

    @CommandLine.Mixin
    CouncilSettings settings = new CouncilSettings();

    @Option(names = "--chair", paramLabel = "MODEL", description = "A chair that writes the final answer.")
    String chair;

    @CommandLine.Mixin
    ModelQuestionOptions ask = new ModelQuestionOptions();

    @CommandLine.Mixin
    ProfileOption profile = new ProfileOption();

    @Option(names = "--consensus", paramLabel = "RULE", defaultValue = "majority",
            description = "majority or review-weighted (default: ${DEFAULT-VALUE}).")
    String consensus;

    @Option(names = "--no-review", description = "Skip stage 2 (cross-review).")
    boolean noReview;

    @Option(names = "--max-local", paramLabel = "N", defaultValue = "1",
            description = "Most local generations at once (default: ${DEFAULT-VALUE}).")
    int maxLocal;

    @Option(names = "--critique-length", paramLabel = "N", defaultValue = "280",
            description = "Longest critique in characters (default: ${DEFAULT-VALUE}).")
    int critiqueLength;

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
        ask.check(cl);
        profile.checkAgainst(cl, ask.answer);
        settings.check(cl, true);
        ConsensusRule rule = switch (consensus) {
            case "majority" -> ConsensusRule.MAJORITY;
            case "review-weighted" -> ConsensusRule.REVIEW_WEIGHTED;
            default -> throw new CommandLine.ParameterException(cl, "--consensus must be majority or"
                    + " review-weighted, got " + consensus);
        };
        if (maxLocal < 1 || critiqueLength < 8 || critiqueLength > 4000) {
            throw new CommandLine.ParameterException(cl, "--max-local must be >= 1, --critique-length in [8, 4000]");
        }
        Optional<DomainProfile> domain = profile.load();
        CouncilOptions.Builder ob = settings.options(domain, cl.getParseResult()).consensusRule(rule).review(!noReview)
                .maxConcurrentLocal(maxLocal).critiqueMaxChars(critiqueLength);
        ask.thinking.budget().ifPresent(ob::totalThinkingTokens);
        Sampling base = ask.sampling.base();
        ReasoningRequest.Builder rb = ask.request(domain, String.join(" ", prompt), cl.getParseResult()).sampling(base);
        if (domain.isEmpty()) {
            rb.thinkingBudget(ThinkingBudget.unlimited()); // --thinking-budget bounds the whole council
        }
        ReasoningRequest request = rb.build();
        ModelOptions options = ask.local.apply(ModelOptions.defaults());
        try (OpenModels models = new OpenModels(options, err);
             AuditTrail trail = audit == null ? null : AuditTrail.open(audit, AuditRedactor.none())) {
            List<String> members = settings.members();
            Council.Builder cb = settings.council(models, ob.build(), i -> {
                if (ask.sampling.seed().isPresent()) {
                    return base.withSeed(ask.sampling.seed().getAsLong() + i);
                }
                // a repeated model: a different seed per member
                return members.indexOf(members.get(i)) != i ? base.withSeed(i + 1) : null;
            });
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
            if (domain.isPresent() && result.finalAnswer().isPresent()) {
                ProfileOption.reportSafety(err, domain.get(), result.finalAnswer().get());
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

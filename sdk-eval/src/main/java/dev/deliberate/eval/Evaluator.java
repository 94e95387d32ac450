package dev.deliberate.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.FinishReason;
import dev.deliberate.core.InvalidAnswerException;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Usage;
import dev.deliberate.core.cascade.Cascade;
import dev.deliberate.core.cascade.CascadeResult;
import dev.deliberate.core.cascade.StepResult;
import dev.deliberate.core.council.Council;
import dev.deliberate.core.council.CouncilQuorumException;
import dev.deliberate.core.council.CouncilResult;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.core.profile.DomainProfile;
import dev.deliberate.core.profile.EvaluationCase;
import dev.deliberate.core.profile.SafetyRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a profile's evaluation cases under several settings (models, councils, cascades, thinking budgets) and scores
 * every answer against the expected one, field by field, with the profile's scoring rules. For a council it keeps
 * whether the council agreed beside whether its answer was right ({@link CouncilVerdict}); for a cascade, the path it
 * took ({@link CascadeTrace}). Cases run one after another per setting (local
 * models share the CPU; timings stay comparable); a failing call is recorded as {@link Outcome#ERROR} and the run
 * goes on.
 *
 * <pre>{@code
 * EvalRun run = Evaluator.of(profile)
 *         .setting(Setting.of("tiny@0", model, 0))
 *         .setting(Setting.of("tiny@64", model, 64))
 *         .run((done, total, result) -> System.err.print("\r" + done + "/" + total));
 * EvalReport.write(run, Optional.empty(), Path.of("report"));
 * }</pre>
 */
public final class Evaluator {

    /** Told after each case. */
    @FunctionalInterface
    public interface Progress {
        /** {@code done} of {@code total} results are in; {@code last} is the newest. */
        void onResult(int done, int total, CaseResult last);
    }

    private final DomainProfile profile;
    private final List<EvaluationCase> cases;
    private final List<Setting> settings = new ArrayList<>();
    private Sampling sampling = Sampling.defaults().withSeed(42);

    private Evaluator(DomainProfile profile, List<EvaluationCase> cases) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.cases = List.copyOf(cases);
    }

    /** An evaluator of the profile's own cases. */
    public static Evaluator of(DomainProfile profile) {
        return new Evaluator(profile, profile.evaluation().cases());
    }

    /** An evaluator of other cases (e.g. read with {@link EvaluationCase#readJsonLines}) under the profile. */
    public static Evaluator of(DomainProfile profile, List<EvaluationCase> cases) {
        return new Evaluator(profile, cases);
    }

    /** Adds a setting; labels must be unique. */
    public Evaluator setting(Setting setting) {
        Objects.requireNonNull(setting, "setting");
        if (settings.stream().anyMatch(s -> s.label().equals(setting.label()))) {
            throw new IllegalArgumentException("two settings are labelled " + setting.label());
        }
        settings.add(setting);
        return this;
    }

    /** Sampling for every call (default: default sampling with seed 42, so runs repeat). */
    public Evaluator sampling(Sampling sampling) {
        this.sampling = Objects.requireNonNull(sampling, "sampling");
        return this;
    }

    /** Runs every case under every setting. */
    public EvalRun run(Progress progress) {
        if (settings.isEmpty()) {
            throw new IllegalStateException("no setting to evaluate: add at least one");
        }
        if (cases.isEmpty()) {
            throw new IllegalStateException("profile " + profile.id() + " has no evaluation cases");
        }
        Instant started = Instant.now();
        List<CaseResult> results = new ArrayList<>();
        int total = cases.size() * settings.size();
        for (Setting s : settings) {
            for (EvaluationCase c : cases) {
                CaseResult r = runCase(s, c);
                results.add(r);
                progress.onResult(results.size(), total, r);
            }
        }
        return new EvalRun(profile.id(), started, settings.stream().map(Setting::info).toList(),
                profile.evaluation().scoredFields(), results);
    }

    private CaseResult runCase(Setting s, EvaluationCase c) {
        ReasoningRequest.Builder b = profile.request(c.input()).toBuilder().sampling(sampling);
        ReasoningRequest base = b.build();
        ThinkingBudget budget = base.thinkingBudget();
        if (s.thinkingBudget().isPresent()) {
            budget = ThinkingBudget.tokens(s.thinkingBudget().getAsInt());
            if (profile.defaults().deadline().isPresent() && s.deadline().isEmpty()) {
                budget = budget.within(profile.defaults().deadline().get());
            }
        }
        if (s.deadline().isPresent()) {
            budget = budget.within(s.deadline().get());
        }
        ReasoningRequest request = b.thinkingBudget(budget).build();
        if (s.subject() instanceof Setting.CouncilOf council) {
            return runCouncil(s, c, council.council(), request);
        }
        if (s.subject() instanceof Setting.CascadeOf cascade) {
            return runCascade(s, c, cascade.cascade(), request);
        }
        ReasoningModel model = ((Setting.OneModel) s.subject()).model();
        long start = System.nanoTime();
        Reasoning r;
        try {
            r = model.reason(request);
        } catch (InvalidAnswerException e) {
            return failed(s, c, Outcome.INVALID, start, e.getMessage());
        } catch (RuntimeException e) {
            return failed(s, c, Outcome.ERROR, start, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        JsonNode answer = profile.answerFormat() instanceof AnswerFormat.Json
                ? r.answerJson().orElse(null) : TextNode.valueOf(r.answer());
        return scored(s, c, answer, Optional.of(r), r.timings().total().toMillis(), r.usage(), Optional.empty(),
                Optional.empty());
    }

    private CaseResult runCouncil(Setting s, EvaluationCase c, Council council, ReasoningRequest request) {
        long start = System.nanoTime();
        CouncilResult r;
        try {
            r = council.deliberate(request);
        } catch (CouncilQuorumException e) {
            return failed(s, c, Outcome.ERROR, start, "below quorum: " + e.getMessage());
        } catch (RuntimeException e) {
            return failed(s, c, Outcome.ERROR, start, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        JsonNode answer = answerOf(r.finalAnswer());
        return scored(s, c, answer, Optional.empty(), r.timings().total().toMillis(), r.usage(),
                Optional.of(CouncilVerdict.of(r)), Optional.empty());
    }

    private CaseResult runCascade(Setting s, EvaluationCase c, Cascade cascade, ReasoningRequest request) {
        long start = System.nanoTime();
        CascadeResult r;
        try {
            r = cascade.run(request, c.novel() && profile.cascade().escalateNovel());
        } catch (RuntimeException e) {
            return failed(s, c, Outcome.ERROR, start, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        JsonNode answer = profile.answerFormat() instanceof AnswerFormat.Json ? r.answerJson().orElse(null)
                : r.answer().map(TextNode::valueOf).orElse(null);
        // the reasoning of the step whose answer was kept tells whether its thinking was cut
        Optional<Reasoning> deciding = r.decidedBy().flatMap(name -> r.path().stream()
                .filter(p -> p.step().equals(name)).reduce((a, x) -> x)).flatMap(StepResult::reasoning);
        Optional<CouncilVerdict> verdict = r.path().stream().flatMap(p -> p.council().stream()).reduce((a, x) -> x)
                .map(CouncilVerdict::of);
        return scored(s, c, answer, deciding, r.total().toMillis(), r.usage(), verdict,
                Optional.of(CascadeTrace.of(r)));
    }

    /** A council's final answer as the profile's answer format expects it. */
    private JsonNode answerOf(Optional<JsonNode> fin) {
        if (fin.isEmpty()) {
            return null;
        }
        if (profile.answerFormat() instanceof AnswerFormat.Json) {
            return fin.get();
        }
        return fin.get().isTextual() ? fin.get() : TextNode.valueOf(fin.get().toString());
    }

    private CaseResult scored(Setting s, EvaluationCase c, JsonNode answer, Optional<Reasoning> reasoning, long ms,
            Usage usage, Optional<CouncilVerdict> council, Optional<CascadeTrace> cascade) {
        Optional<FinishReason> finish = reasoning.map(Reasoning::finish);
        if (answer == null) {
            return new CaseResult(c.id(), s.label(), Outcome.INVALID, finish, Map.of(), 0, ms,
                    usage.thinkingTokens(), usage.answerTokens(), Optional.empty(), List.of(),
                    Optional.of(council.isPresent() || cascade.isPresent() ? "no valid final answer"
                            : "no JSON answer"),
                    council, cascade);
        }
        Map<String, Double> scores = score(c, answer);
        double mean = scores.isEmpty() ? 0 : scores.values().stream().mapToDouble(Double::doubleValue).average()
                .orElse(0);
        boolean correct = !scores.isEmpty() && scores.values().stream().allMatch(v -> v >= 1.0);
        Optional<FinishReason> cut = reasoning.flatMap(Reasoning::thinkingCut);
        Outcome outcome = correct ? Outcome.CORRECT
                : cut.equals(Optional.of(FinishReason.THINKING_BUDGET)) ? Outcome.BUDGET_CUT
                : cut.equals(Optional.of(FinishReason.DEADLINE)) ? Outcome.DEADLINE : Outcome.WRONG;
        List<String> flags = new ArrayList<>();
        if (answer.isObject()) {
            SafetyRules.SafetyVerdict verdict = profile.safety().judge(answer);
            flags.addAll(verdict.violations());
            flags.addAll(verdict.escalations());
        }
        return new CaseResult(c.id(), s.label(), outcome, finish, scores, mean, ms, usage.thinkingTokens(),
                usage.answerTokens(), Optional.of(answer), flags, Optional.empty(), council, cascade);
    }

    private Map<String, Double> score(EvaluationCase c, JsonNode answer) {
        Map<String, Double> out = new LinkedHashMap<>();
        JsonNode expected = c.expected();
        Set<String> fields = new HashSet<>();
        expected.fieldNames().forEachRemaining(fields::add);
        for (String f : profile.evaluation().scoredFields()) {
            if (!fields.contains(f)) {
                continue;
            }
            JsonNode actual = answer.isObject() ? answer.get(f) : "answer".equals(f) ? answer : null;
            out.put(f, profile.evaluation().scoring(f).score(actual, expected.get(f)));
        }
        return out;
    }

    private static CaseResult failed(Setting s, EvaluationCase c, Outcome outcome, long startNanos, String error) {
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        return new CaseResult(c.id(), s.label(), outcome, Optional.empty(), Map.of(), 0, ms, 0, 0, Optional.empty(),
                List.of(), Optional.of(error));
    }
}

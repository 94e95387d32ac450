package dev.deliberate.core.profile;

import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.cascade.Cascade;
import dev.deliberate.core.cascade.CascadeRule;
import dev.deliberate.core.cascade.CascadeStep;
import dev.deliberate.core.council.CouncilOptions;
import dev.deliberate.core.ThinkingBudget;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a field needs besides a model, in one versioned bundle: the system prompt, few-shot examples, the answer JSON
 * Schema, a glossary, safety rules, default thinking budget and deadline, cascade and council settings, and the
 * evaluation cases. A bundle is a folder (or a classpath folder) with a {@code profile.json} that names the other
 * files; it is validated when loaded, and every error names the file and the line (see
 * {@code docs/profiles.md}).
 *
 * <pre>{@code
 * DomainProfile profile = DomainProfile.load(Path.of("profiles/inspection"));
 * Reasoning r = model.reason(profile.request("Hairline crack, 3 mm, near the weld seam."));
 * SafetyRules.SafetyVerdict verdict = profile.safety().judge(r.answerJson().orElseThrow());
 * }</pre>
 *
 * @param name         the profile's name
 * @param version      its version (bundles are versioned like code; results record it)
 * @param description  one paragraph for people
 * @param systemPrompt the system prompt
 * @param answerFormat the answer format: a JSON Schema, or text when the profile names none
 * @param glossary     domain terms and what they mean here, sorted
 * @param examples     worked examples shown before each question
 * @param safety       rules over answers
 * @param defaults     default thinking budget, deadline and answer bound
 * @param cascade      settings for a cascade (fast path first)
 * @param council      settings for a council (second opinions)
 * @param evaluation   evaluation cases and how each field is scored
 */
public record DomainProfile(
        String name,
        String version,
        String description,
        String systemPrompt,
        AnswerFormat answerFormat,
        SortedMap<String, String> glossary,
        List<FewShotExample> examples,
        SafetyRules safety,
        Defaults defaults,
        CascadeSettings cascade,
        CouncilSettings council,
        Evaluation evaluation) {

    /** Validates and copies. */
    public DomainProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(systemPrompt, "systemPrompt");
        Objects.requireNonNull(answerFormat, "answerFormat");
        glossary = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(glossary));
        examples = List.copyOf(examples);
        Objects.requireNonNull(safety, "safety");
        Objects.requireNonNull(defaults, "defaults");
        Objects.requireNonNull(cascade, "cascade");
        Objects.requireNonNull(council, "council");
        Objects.requireNonNull(evaluation, "evaluation");
    }

    /**
     * Loads and validates the bundle in folder {@code dir}.
     *
     * @throws ProfileException when the bundle is invalid (file and line named)
     * @throws IOException      when a file cannot be read
     */
    public static DomainProfile load(Path dir) throws IOException {
        return ProfileLoader.fromFolder(dir);
    }

    /**
     * Loads and validates a bundle packed as classpath resources under {@code folder} (e.g.
     * {@code "profiles/radiology"}), as an application ships it in its jar.
     *
     * @throws ProfileException when the bundle is missing or invalid
     */
    public static DomainProfile fromClasspath(String folder, ClassLoader loader) {
        return ProfileLoader.fromClasspath(folder, loader);
    }

    /** {@code name@version}, as results and reports record it. */
    public String id() {
        return name + "@" + version;
    }

    /**
     * The request for {@code input} under this profile: the system prompt with glossary and worked examples, the
     * answer format, and the default thinking budget (the deadline counted from the call) and answer bound. Vary it
     * with {@link ReasoningRequest#toBuilder()}.
     */
    public ReasoningRequest request(String input) {
        Objects.requireNonNull(input, "input");
        ReasoningRequest.Builder b = ReasoningRequest.builder()
                .message(ChatMessage.system(fullSystemPrompt()))
                .user(input)
                .answerFormat(answerFormat)
                .answerMaxTokens(defaults.answerMaxTokens());
        ThinkingBudget budget = defaults.thinkingBudget().isPresent()
                ? ThinkingBudget.tokens(defaults.thinkingBudget().getAsInt()) : ThinkingBudget.unlimited();
        if (defaults.deadline().isPresent()) {
            budget = budget.within(defaults.deadline().get());
        }
        return b.thinkingBudget(budget).build();
    }

    /**
     * Council options with this profile's quorum and disagreement threshold; the request of each member call (its
     * thinking budget, deadline, answer format) is {@link #request}'s. Vary them with the builder:
     *
     * <pre>{@code
     * Council council = Council.builder().options(profile.councilOptions().build())
     *         .member(CouncilMember.of("a", modelA)).member(CouncilMember.of("b", modelB)).build();
     * CouncilResult r = council.deliberate(profile.request(question));
     * }</pre>
     */
    public CouncilOptions.Builder councilOptions() {
        return CouncilOptions.builder().quorum(council.quorum()).threshold(council.disagreementThreshold());
    }

    /**
     * A cascade under this profile: a fast step on {@code fast} with the profile's fast thinking budget, then a deep
     * step on {@code deep} with the request's own budget and deadline (the profile's defaults, see {@link #request}),
     * judged by the profile's confidence field (when it names one) and its {@linkplain SafetyRules#asCascadeRule()
     * safety rules}. Add a council step with {@link Cascade.Builder#council} and run with
     * {@code run(request, novel && profile.cascade().escalateNovel())}.
     */
    public Cascade.Builder cascade(ReasoningModel fast, ReasoningModel deep) {
        Objects.requireNonNull(fast, "fast");
        Objects.requireNonNull(deep, "deep");
        Cascade.Builder b = Cascade.builder()
                .fast("fast", fast, ThinkingBudget.tokens(cascade.fastThinkingBudget()))
                .step(new CascadeStep.Model("deep", CascadeStep.Tier.DEEP, deep, Optional.empty()));
        // the profile names a top-level answer field; the rule reads a JSON Pointer
        cascade.confidenceField().ifPresent(f -> b.rule(CascadeRule.confidenceBelow(
                "/" + f.replace("~", "~0").replace("/", "~1"), cascade.minConfidence())));
        return b.rule(safety.asCascadeRule());
    }

    /** The system prompt as the model sees it: the profile's prompt, then the glossary, then the worked examples. */
    public String fullSystemPrompt() {
        StringBuilder sb = new StringBuilder(systemPrompt.strip());
        if (!glossary.isEmpty()) {
            sb.append("\n\nGlossary:");
            glossary.forEach((term, meaning) -> sb.append("\n- ").append(term).append(": ").append(meaning));
        }
        int i = 0;
        for (FewShotExample e : examples) {
            sb.append("\n\nExample ").append(++i).append("\nInput: ").append(e.input());
            if (!e.thinking().isBlank()) {
                sb.append("\nReasoning: ").append(e.thinking().strip());
            }
            sb.append("\nAnswer: ").append(e.answer());
        }
        return sb.toString();
    }

    /**
     * Default bounds of a call.
     *
     * @param thinkingBudget  the most thinking tokens, when bounded
     * @param deadline        how long thinking may take, counted from each call's start, when bounded
     * @param answerMaxTokens the most answer tokens
     */
    public record Defaults(OptionalInt thinkingBudget, Optional<Duration> deadline, int answerMaxTokens) {
        /** Validates. */
        public Defaults {
            Objects.requireNonNull(thinkingBudget, "thinkingBudget");
            Objects.requireNonNull(deadline, "deadline");
            if (answerMaxTokens < 1) {
                throw new IllegalArgumentException("answerMaxTokens must be >= 1");
            }
        }
    }

    /**
     * How a cascade answers: a fast configuration first, deeper reasoning when needed.
     *
     * @param fastThinkingBudget thinking tokens of the fast path (0: answer at once)
     * @param confidenceField    a numeric answer field in [0, 1] that says how sure the model is, if the schema has one
     * @param minConfidence      below this confidence the cascade escalates
     * @param escalateNovel      whether cases marked novel skip the fast path
     */
    public record CascadeSettings(int fastThinkingBudget, Optional<String> confidenceField, double minConfidence,
            boolean escalateNovel) {
        /** Validates. */
        public CascadeSettings {
            if (fastThinkingBudget < 0) {
                throw new IllegalArgumentException("fastThinkingBudget must be >= 0");
            }
            Objects.requireNonNull(confidenceField, "confidenceField");
            if (!(minConfidence >= 0 && minConfidence <= 1)) {
                throw new IllegalArgumentException("minConfidence must be in [0, 1]");
            }
        }

        /** Fast path without thinking, no confidence field, 0.5, novel cases escalate. */
        public static CascadeSettings defaults() {
            return new CascadeSettings(0, Optional.empty(), 0.5, true);
        }
    }

    /**
     * How a council judges: how many members must answer, and below which agreement it flags disagreement.
     *
     * @param quorum                the fewest valid member answers for a verdict
     * @param disagreementThreshold agreement in [0, 1] below which the council flags disagreement
     */
    public record CouncilSettings(int quorum, double disagreementThreshold) {
        /** Validates. */
        public CouncilSettings {
            if (quorum < 1) {
                throw new IllegalArgumentException("quorum must be >= 1");
            }
            if (!(disagreementThreshold >= 0 && disagreementThreshold <= 1)) {
                throw new IllegalArgumentException("disagreementThreshold must be in [0, 1]");
            }
        }

        /** Quorum 2, threshold 0.67. */
        public static CouncilSettings defaults() {
            return new CouncilSettings(2, 0.67);
        }
    }

    /**
     * The evaluation set.
     *
     * @param cases  the cases, ids unique
     * @param fields how each scored field is compared ({@link FieldScoring.Exact} for fields not listed)
     */
    public record Evaluation(List<EvaluationCase> cases, Map<String, FieldScoring> fields) {
        /** Validates. */
        public Evaluation {
            cases = List.copyOf(cases);
            fields = Map.copyOf(fields);
        }

        /** How {@code field} is scored. */
        public FieldScoring scoring(String field) {
            return fields.getOrDefault(field, new FieldScoring.Exact());
        }

        /** The scored fields: those listed, then any other field an expected answer names, sorted. */
        public List<String> scoredFields() {
            java.util.SortedSet<String> names = new java.util.TreeSet<>(fields.keySet());
            for (EvaluationCase c : cases) {
                c.expected().fieldNames().forEachRemaining(names::add);
            }
            return new ArrayList<>(names);
        }
    }
}

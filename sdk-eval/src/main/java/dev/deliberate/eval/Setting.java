package dev.deliberate.eval;

import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.cascade.Cascade;
import dev.deliberate.core.cascade.CascadeStep;
import dev.deliberate.core.council.Council;
import dev.deliberate.core.council.CouncilMember;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * One configuration to evaluate: what answers (one model, a council or a cascade) with a thinking budget (and
 * optionally a deadline) that replace the profile's defaults in every request.
 *
 * <pre>{@code
 * Setting.of("tiny@64", model, 64);
 * Setting.council("council", Council.builder().options(profile.councilOptions().build())
 *         .member(CouncilMember.of("a", a)).member(CouncilMember.of("b", b)).build());
 * Setting.cascade("cascade", profile.cascade(fast, deep).build());
 * }</pre>
 *
 * @param label          a short unique name used in reports, e.g. {@code tiny@64}
 * @param subject        what answers (not closed by the evaluator)
 * @param thinkingBudget thinking tokens of every call (a council's members, a cascade's steps that take the request's
 *                       budget); empty keeps the profile's default
 * @param deadline       thinking deadline from each call's start; empty keeps the profile's default
 */
public record Setting(String label, Subject subject, OptionalInt thinkingBudget, Optional<Duration> deadline) {

    /** What answers the cases of a setting. */
    public sealed interface Subject permits OneModel, CouncilOf, CascadeOf {}

    /** One model answers. */
    public record OneModel(ReasoningModel model) implements Subject {
        /** Rejects null. */
        public OneModel {
            Objects.requireNonNull(model, "model");
        }
    }

    /** A council answers: its final answer is scored, its agreement is kept beside it. */
    public record CouncilOf(Council council) implements Subject {
        /** Rejects null. */
        public CouncilOf {
            Objects.requireNonNull(council, "council");
        }
    }

    /**
     * A cascade answers: its answer is scored, the path it took is kept beside it. A case marked novel skips the
     * fast steps when the profile's {@code cascade.escalateNovel} is true.
     */
    public record CascadeOf(Cascade cascade) implements Subject {
        /** Rejects null. */
        public CascadeOf {
            Objects.requireNonNull(cascade, "cascade");
        }
    }

    /** Validates. */
    public Setting {
        Objects.requireNonNull(label, "label");
        if (label.isBlank()) {
            throw new IllegalArgumentException("a setting needs a label");
        }
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(thinkingBudget, "thinkingBudget");
        thinkingBudget.ifPresent(b -> {
            if (b < 0) {
                throw new IllegalArgumentException("thinking budget must be >= 0, got " + b);
            }
        });
        Objects.requireNonNull(deadline, "deadline");
    }

    /** One model with a thinking budget and deadline. */
    public Setting(String label, ReasoningModel model, OptionalInt thinkingBudget, Optional<Duration> deadline) {
        this(label, new OneModel(model), thinkingBudget, deadline);
    }

    /** The model with the profile's defaults. */
    public static Setting of(String label, ReasoningModel model) {
        return new Setting(label, model, OptionalInt.empty(), Optional.empty());
    }

    /** The model with {@code thinkingBudget} thinking tokens. */
    public static Setting of(String label, ReasoningModel model, int thinkingBudget) {
        return new Setting(label, model, OptionalInt.of(thinkingBudget), Optional.empty());
    }

    /** A council with the profile's defaults (see {@link dev.deliberate.core.profile.DomainProfile#councilOptions}). */
    public static Setting council(String label, Council council) {
        return new Setting(label, new CouncilOf(council), OptionalInt.empty(), Optional.empty());
    }

    /** A cascade with the profile's defaults (see {@link dev.deliberate.core.profile.DomainProfile#cascade}). */
    public static Setting cascade(String label, Cascade cascade) {
        return new Setting(label, new CascadeOf(cascade), OptionalInt.empty(), Optional.empty());
    }

    /** What a run records of this setting (the models themselves are not kept). */
    SettingInfo info() {
        Optional<Long> ms = deadline.map(Duration::toMillis);
        if (subject instanceof OneModel m) {
            return new SettingInfo(label, modelName(m.model()), m.model().info().sha256().orElse(""), thinkingBudget,
                    ms, SettingInfo.Kind.MODEL);
        }
        if (subject instanceof CouncilOf c) {
            return new SettingInfo(label, "council(" + c.council().members().stream().map(CouncilMember::model)
                    .map(Setting::modelName).collect(Collectors.joining(", ")) + ")", "", thinkingBudget, ms,
                    SettingInfo.Kind.COUNCIL);
        }
        CascadeOf c = (CascadeOf) subject;
        return new SettingInfo(label, "cascade(" + c.cascade().steps().stream().map(Setting::stepName)
                .collect(Collectors.joining(" > ")) + ")", "", thinkingBudget, ms, SettingInfo.Kind.CASCADE);
    }

    private static String modelName(ReasoningModel m) {
        return m.info().modelId().isEmpty() ? m.info().locator() : m.info().modelId();
    }

    private static String stepName(CascadeStep s) {
        return s instanceof CascadeStep.Model m ? s.name() + ": " + modelName(m.model()) : s.name() + ": council";
    }
}

package dev.deliberate.eval;

import dev.deliberate.core.ReasoningModel;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One configuration to evaluate: a model with a thinking budget (and optionally a deadline) that replace the
 * profile's defaults.
 *
 * @param label          a short unique name used in reports, e.g. {@code tiny@64}
 * @param model          the model (not closed by the evaluator)
 * @param thinkingBudget thinking tokens; empty keeps the profile's default
 * @param deadline       thinking deadline from each call's start; empty keeps the profile's default
 */
public record Setting(String label, ReasoningModel model, OptionalInt thinkingBudget, Optional<Duration> deadline) {

    /** Validates. */
    public Setting {
        Objects.requireNonNull(label, "label");
        if (label.isBlank()) {
            throw new IllegalArgumentException("a setting needs a label");
        }
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(thinkingBudget, "thinkingBudget");
        thinkingBudget.ifPresent(b -> {
            if (b < 0) {
                throw new IllegalArgumentException("thinking budget must be >= 0, got " + b);
            }
        });
        Objects.requireNonNull(deadline, "deadline");
    }

    /** The model with the profile's defaults. */
    public static Setting of(String label, ReasoningModel model) {
        return new Setting(label, model, OptionalInt.empty(), Optional.empty());
    }

    /** The model with {@code thinkingBudget} thinking tokens. */
    public static Setting of(String label, ReasoningModel model, int thinkingBudget) {
        return new Setting(label, model, OptionalInt.of(thinkingBudget), Optional.empty());
    }

    /** What a run records of this setting (the model itself is not kept). */
    SettingInfo info() {
        return new SettingInfo(label, model.info().modelId().isEmpty() ? model.info().locator() : model.info().modelId(),
                model.info().sha256().orElse(""), thinkingBudget, deadline.map(Duration::toMillis));
    }
}

package dev.deliberate.eval;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a run records of a setting: enough to reproduce it and to compare runs.
 *
 * @param label          the setting's label
 * @param model          the model id (or locator); for a council or cascade, its members or steps
 * @param modelSha256    the model file's SHA-256 for local models, else empty text
 * @param thinkingBudget the thinking budget when the setting set one
 * @param deadlineMillis the thinking deadline in ms when the setting set one
 * @param kind           what answered: one model, a council or a cascade ({@link Kind#MODEL} in runs written before
 *                       councils and cascades were evaluated)
 */
public record SettingInfo(String label, String model, String modelSha256, OptionalInt thinkingBudget,
        Optional<Long> deadlineMillis, Kind kind) {

    /** What answers the cases of a setting. */
    public enum Kind {
        /** One model. */
        MODEL,
        /** A council of models. */
        COUNCIL,
        /** A cascade of steps. */
        CASCADE
    }

    /** Validates. */
    public SettingInfo {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelSha256, "modelSha256");
        Objects.requireNonNull(thinkingBudget, "thinkingBudget");
        Objects.requireNonNull(deadlineMillis, "deadlineMillis");
        kind = kind == null ? Kind.MODEL : kind;
    }

    /** A single model's setting. */
    public SettingInfo(String label, String model, String modelSha256, OptionalInt thinkingBudget,
            Optional<Long> deadlineMillis) {
        this(label, model, modelSha256, thinkingBudget, deadlineMillis, Kind.MODEL);
    }
}

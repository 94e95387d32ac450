package dev.deliberate.adapt.train;

/** Why a training run ended. */
public enum StopReason {
    /** The step budget was reached. */
    STEPS,
    /** The wall-clock budget was spent. */
    TIME
}

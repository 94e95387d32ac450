package dev.deliberate.robotics.reason;

import java.util.Objects;
import java.util.Optional;

/**
 * The result of {@code deliberate_msgs/action/Reason}. Field for field the ROS message.
 *
 * @param decisionJson          the decision, a JSON value valid against the allowed-actions schema (the model's, a
 *                              reflex's, or the safe fallback); empty only for cancelled goals
 * @param rationale             a short human-readable reason: the end of the model's thinking, the reflex's reason, or
 *                              why the fallback was used
 * @param fallbackUsed          whether {@code decisionJson} is the configured safe fallback
 * @param finish                how the goal ended: a {@link ReasonFinish} name
 * @param path                  which path answered: a {@link ReasonPath#wireName()} ({@code reflex}, {@code fast},
 *                              {@code deep}, {@code fallback}, {@code none}); empty when not known
 * @param pathReason            why that path answered (e.g. {@code situation marked novel (/novel is true)})
 * @param model                 the id of the model that answered; empty for reflexes and fallbacks without a call
 * @param thinkingTokensPlanned the thinking budget planned for the answering call ({@code uint32})
 * @param thinkingTokensUsed    the thinking tokens that call used ({@code uint32})
 */
public record ReasonResult(String decisionJson, String rationale, boolean fallbackUsed, String finish, String path,
        String pathReason, String model, long thinkingTokensPlanned, long thinkingTokensUsed) {

    /** Rejects nulls and counts outside uint32. */
    public ReasonResult {
        Objects.requireNonNull(decisionJson, "decisionJson");
        Objects.requireNonNull(rationale, "rationale");
        Objects.requireNonNull(finish, "finish");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(pathReason, "pathReason");
        Objects.requireNonNull(model, "model");
        if (thinkingTokensPlanned < 0 || thinkingTokensPlanned > 0xFFFF_FFFFL || thinkingTokensUsed < 0
                || thinkingTokensUsed > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("thinking token counts must fit uint32");
        }
    }

    /** A result without provenance (path, model and token counts empty or zero). */
    public ReasonResult(String decisionJson, String rationale, boolean fallbackUsed, String finish) {
        this(decisionJson, rationale, fallbackUsed, finish, "", "", "", 0, 0);
    }

    /** The {@link ReasonFinish} named by {@link #finish()}, when it names one. */
    public Optional<ReasonFinish> finishReason() {
        try {
            return Optional.of(ReasonFinish.valueOf(finish));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The {@link ReasonPath} named by {@link #path()}, when it names one. */
    public Optional<ReasonPath> pathTaken() {
        for (ReasonPath p : ReasonPath.values()) {
            if (p.wireName().equals(path)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}

package dev.deliberate.adapt.train;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How a training run ended.
 *
 * @param steps           optimizer steps done in total (counting a resumed run's earlier steps)
 * @param losses          the training loss of each step of this run, in order
 * @param initialEvalLoss mean loss per trained token of the evaluation set before training, when one was given and
 *                        the run did not resume
 * @param evalLoss        mean loss per trained token of the evaluation set at the end, when one was given
 * @param tokens          tokens processed in total
 * @param elapsed         training time in total
 * @param tokensPerSecond tokens per second over this run
 * @param stop            why it ended
 * @param resumedFrom     the step the run resumed from, when it did
 */
public record TrainingResult(long steps, List<Double> losses, Optional<Double> initialEvalLoss,
        Optional<Double> evalLoss, long tokens,
        Duration elapsed, double tokensPerSecond, StopReason stop, OptionalLong resumedFrom) {

    /** Copies the losses. */
    public TrainingResult {
        losses = List.copyOf(losses);
        Objects.requireNonNull(initialEvalLoss, "initialEvalLoss");
        Objects.requireNonNull(evalLoss, "evalLoss");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(resumedFrom, "resumedFrom");
    }

    /** The loss of the last step of this run, when it made one. */
    public Optional<Double> lastLoss() {
        return losses.isEmpty() ? Optional.empty() : Optional.of(losses.get(losses.size() - 1));
    }
}

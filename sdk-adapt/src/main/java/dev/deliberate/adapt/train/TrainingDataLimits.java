package dev.deliberate.adapt.train;

/**
 * Bounds on a training data file, checked while reading so that a wrong or hostile file fails fast with a clear
 * error instead of exhausting memory.
 *
 * @param maxLineChars       longest line, in characters
 * @param maxLines           most lines (examples and blank lines)
 * @param maxMessagesPerLine most messages in one example
 */
public record TrainingDataLimits(int maxLineChars, long maxLines, int maxMessagesPerLine) {

    /** 1 Mi characters per line, 1 M lines, 256 messages per example. */
    public static TrainingDataLimits defaults() {
        return new TrainingDataLimits(1 << 20, 1_000_000, 256);
    }

    /** Rejects non-positive bounds. */
    public TrainingDataLimits {
        if (maxLineChars <= 0 || maxLines <= 0 || maxMessagesPerLine < 2) {
            throw new IllegalArgumentException("limits must be positive (and allow at least 2 messages): " + this);
        }
    }
}

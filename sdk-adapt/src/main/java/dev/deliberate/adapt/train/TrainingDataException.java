package dev.deliberate.adapt.train;

import dev.deliberate.core.DeliberateException;

/**
 * A training or evaluation data file that cannot be used: unreadable, too large, or a line that is not a valid chat
 * example. The message starts with {@code file:line:} so an editor can jump there.
 */
public class TrainingDataException extends DeliberateException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;

    /**
     * @param source the file (or other source) the data came from
     * @param line   the 1-based line number, or 0 when the problem is with the whole file
     * @param reason what is wrong
     */
    public TrainingDataException(String source, long line, String reason) {
        this(source, line, reason, null);
    }

    /** With the exception that caused it. */
    public TrainingDataException(String source, long line, String reason, Throwable cause) {
        super((line > 0 ? source + ":" + line + ": " : source + ": ") + reason, cause);
        this.source = source;
        this.line = line;
    }

    /** The file the data came from. */
    public String source() {
        return source;
    }

    /** The 1-based line number, or 0 when the problem is with the whole file. */
    public long line() {
        return line;
    }
}

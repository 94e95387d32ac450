package dev.deliberate.core.profile;

import dev.deliberate.core.InvalidRequestException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A domain profile bundle is invalid: the message names the file and, where known, the line, like a compiler does
 * ({@code profile.json:12: safety.escalateWhen[0]: "field" is missing}).
 */
public class ProfileException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final Integer line;

    /**
     * @param file   the bundle file that is wrong (relative to the bundle)
     * @param line   its 1-based line, or 0 when unknown
     * @param reason what is wrong
     */
    public ProfileException(String file, int line, String reason) {
        this(file, line, reason, null);
    }

    /** As {@link #ProfileException(String, int, String)}, with a cause. */
    public ProfileException(String file, int line, String reason, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason, cause);
        this.file = file;
        this.line = line > 0 ? line : null;
    }

    /** The file of the bundle that is wrong. */
    public String file() {
        return file;
    }

    /** Its 1-based line, when known. */
    public OptionalInt line() {
        return line == null ? OptionalInt.empty() : OptionalInt.of(line);
    }

    /** Convenience for callers that print locations. */
    public Optional<String> location() {
        return Optional.of(file + (line == null ? "" : ":" + line));
    }
}

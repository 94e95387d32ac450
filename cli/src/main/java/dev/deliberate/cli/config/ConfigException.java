package dev.deliberate.cli.config;

import dev.deliberate.core.DeliberateException;

/** The configuration file cannot be used: the message names the file and, for bad content, the line. */
public final class ConfigException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the file (and line) */
    public ConfigException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the file
     * @param cause   the underlying failure
     */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}

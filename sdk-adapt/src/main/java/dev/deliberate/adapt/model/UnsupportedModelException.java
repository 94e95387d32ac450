package dev.deliberate.adapt.model;

import dev.deliberate.core.DeliberateException;

/**
 * The GGUF file is a model this module cannot run: another architecture, a tensor type it cannot decode, a missing
 * tensor or metadata key, or shapes that do not fit the metadata. The message says what is supported.
 */
public final class UnsupportedModelException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /** @param message what is unsupported and what is */
    public UnsupportedModelException(String message) {
        super(message);
    }

    /**
     * @param message what is unsupported and what is
     * @param cause   the lower-level refusal, such as {@link dev.deliberate.gguf.UnsupportedTensorTypeException}
     */
    public UnsupportedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.deliberate.medical.render;

import dev.deliberate.core.DeliberateException;

/** The pixel data cannot be rendered: missing or inconsistent Image Pixel module, truncated data, or over a bound. */
public class RenderException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong */
    public RenderException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong
     * @param cause   the underlying failure
     */
    public RenderException(String message, Throwable cause) {
        super(message, cause);
    }
}

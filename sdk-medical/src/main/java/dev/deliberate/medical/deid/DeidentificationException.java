package dev.deliberate.medical.deid;

import dev.deliberate.core.DeliberateException;

/** De-identification could not be done safely for this input; nothing was produced. */
public class DeidentificationException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /** @param message what prevented de-identification */
    public DeidentificationException(String message) {
        super(message);
    }
}

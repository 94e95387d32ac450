package dev.deliberate.samples.radiology;

import dev.deliberate.core.DeliberateException;

/**
 * The second look could not be made from this input: no DICOM instance found, instances of more than one study, an
 * unreadable or refused instance, or a model answer that cannot become a report. The message says which and where;
 * nothing half-written is left behind.
 */
public class SecondLookException extends DeliberateException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the file or step */
    public SecondLookException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the file or step
     * @param cause   the underlying failure
     */
    public SecondLookException(String message, Throwable cause) {
        super(message, cause);
    }
}

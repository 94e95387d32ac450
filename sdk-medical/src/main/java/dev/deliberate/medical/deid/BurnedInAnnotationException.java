package dev.deliberate.medical.deid;

/**
 * The dataset declares Burned In Annotation (0028,0301) = YES: its pixels may show identifying text that the Basic
 * Profile does not remove. Thrown under {@link BurnedInAnnotationHandling#REFUSE}.
 */
public class BurnedInAnnotationException extends DeidentificationException {
    private static final long serialVersionUID = 1L;

    /** @param message what was refused */
    public BurnedInAnnotationException(String message) {
        super(message);
    }
}

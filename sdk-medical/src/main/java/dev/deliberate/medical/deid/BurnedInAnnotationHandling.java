package dev.deliberate.medical.deid;

/** What {@link Deidentifier} does with a dataset whose Burned In Annotation (0028,0301) is YES. */
public enum BurnedInAnnotationHandling {
    /** Throw {@link BurnedInAnnotationException}: the default, since the pixels may identify the patient. */
    REFUSE,
    /** De-identify the attributes and report {@link DeidentificationResult#burnedInAnnotation()} as YES. */
    FLAG
}

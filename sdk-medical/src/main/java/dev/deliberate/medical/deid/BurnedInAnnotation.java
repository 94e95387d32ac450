package dev.deliberate.medical.deid;

/** What a dataset says about text burned into its pixels (Burned In Annotation, 0028,0301). */
public enum BurnedInAnnotation {
    /** The dataset says NO. */
    NO,
    /** The dataset says YES: the pixels may identify the patient. */
    YES,
    /** The attribute is absent or has another value: treat the pixels as unchecked. */
    UNKNOWN
}

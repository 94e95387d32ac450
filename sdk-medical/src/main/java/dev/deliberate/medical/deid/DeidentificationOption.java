package dev.deliberate.medical.deid;

/**
 * The options of the PS3.15 Annex E Basic Application Level Confidentiality Profile (Table E.1-1 option columns),
 * each with its code from PS3.16 CID 7050 "De-identification Method", recorded in De-identification Method Code
 * Sequence (0012,0064) when applied.
 *
 * <p>The Clean Pixel Data, Clean Recognizable Visual Features and Clean Graphics options need image analysis and are
 * not implemented; {@link DeidentificationPolicy} refuses them (see {@link #isSupported()}).
 */
public enum DeidentificationOption {
    /** Clean Pixel Data Option (113101): remove burned-in identifying text. Not supported. */
    CLEAN_PIXEL_DATA("113101", "Clean Pixel Data Option", -1, false),
    /** Clean Recognizable Visual Features Option (113102): e.g. de-facing. Not supported. */
    CLEAN_RECOGNIZABLE_VISUAL_FEATURES("113102", "Clean Recognizable Visual Features Option", -1, false),
    /** Clean Graphics Option (113103): clean overlays and curves. Not supported. */
    CLEAN_GRAPHICS("113103", "Clean Graphics Option", 9, false),
    /** Clean Structured Content Option (113104): keep SR content and acquisition context, cleaned item by item. */
    CLEAN_STRUCTURED_CONTENT("113104", "Clean Structured Content Option", 8, true),
    /** Clean Descriptors Option (113105): keep descriptions and comments, with identifiers found in them masked. */
    CLEAN_DESCRIPTORS("113105", "Clean Descriptors Option", 7, true),
    /** Retain Longitudinal Temporal Information with Full Dates Option (113106): keep dates and times. */
    RETAIN_LONGITUDINAL_FULL_DATES("113106", "Retain Longitudinal Temporal Information Full Dates Option", 5, true),
    /**
     * Retain Longitudinal Temporal Information with Modified Dates Option (113107): shift dates by a per-patient
     * offset derived from the salt, keeping intervals.
     */
    RETAIN_LONGITUDINAL_MODIFIED_DATES("113107", "Retain Longitudinal Temporal Information Modified Dates Option",
            6, true),
    /** Retain Patient Characteristics Option (113108): keep age, sex, size, weight and similar. */
    RETAIN_PATIENT_CHARACTERISTICS("113108", "Retain Patient Characteristics Option", 4, true),
    /** Retain Device Identity Option (113109): keep station name, serial numbers and similar. */
    RETAIN_DEVICE_IDENTITY("113109", "Retain Device Identity Option", 2, true),
    /** Retain UIDs Option (113110): keep the original UIDs. */
    RETAIN_UIDS("113110", "Retain UIDs Option", 1, true),
    /** Retain Safe Private Option (113111): keep the private attributes the policy names as safe. */
    RETAIN_SAFE_PRIVATE("113111", "Retain Safe Private Option", 0, true),
    /** Retain Institution Identity Option (113112): keep institution name, address and code. */
    RETAIN_INSTITUTION_IDENTITY("113112", "Retain Institution Identity Option", 3, true);

    private final String codeValue;
    private final String codeMeaning;
    private final int column;
    private final boolean supported;

    DeidentificationOption(String codeValue, String codeMeaning, int column, boolean supported) {
        this.codeValue = codeValue;
        this.codeMeaning = codeMeaning;
        this.column = column;
        this.supported = supported;
    }

    /** The code value in CID 7050 (coding scheme DCM). */
    public String codeValue() {
        return codeValue;
    }

    /** The code meaning in CID 7050. */
    public String codeMeaning() {
        return codeMeaning;
    }

    /** Whether this implementation can apply the option. */
    public boolean isSupported() {
        return supported;
    }

    /** Index of the option column in the generated table, or -1 when the table has none. */
    int column() {
        return column;
    }
}

package dev.deliberate.core.council;

import java.util.Objects;

/**
 * How far the members agree on one field of a schema answer.
 *
 * @param path      JSON Pointer of the field ({@code ""} for an answer that is a single value)
 * @param kind      how the field was compared
 * @param agreement in [0, 1]; 1 when every answer gives the same value
 * @param answered  how many answers contain the field
 * @param answers   how many answers were compared
 */
public record FieldAgreement(String path, Kind kind, double agreement, int answered, int answers) {

    /** How a field's values are compared; see {@link Aggregation} for the rules. */
    public enum Kind {
        /** Booleans, enumerated strings, null, mixed types, arrays of objects: share agreeing with the majority. */
        CATEGORICAL,
        /** Numbers: one minus the spread relative to the schema's range or to the largest magnitude. */
        NUMERIC,
        /** Arrays of scalars compared as sets: mean pairwise Jaccard similarity. */
        SET,
        /** Free-text strings: exact-match share; reported, but not counted in the overall agreement. */
        TEXT
    }

    /** Validates. */
    public FieldAgreement {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
        if (!(agreement >= 0 && agreement <= 1)) {
            throw new IllegalArgumentException("agreement must be in [0, 1], got " + agreement);
        }
        if (answered < 0 || answered > answers) {
            throw new IllegalArgumentException("answered must be in [0, answers]");
        }
    }
}

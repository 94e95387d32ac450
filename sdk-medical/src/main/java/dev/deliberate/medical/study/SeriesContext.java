package dev.deliberate.medical.study;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Acquisition facts of one series, free of identifiers (no UIDs, dates, names or institution).
 *
 * @param modality          e.g. CT, MR
 * @param description       Series Description, with identifiers from the same dataset masked
 * @param bodyPart          Body Part Examined
 * @param laterality        Laterality or Image Laterality (R, L, B, U)
 * @param sliceThicknessMm  Slice Thickness in mm
 * @param kvp               peak kilovoltage (KVP)
 * @param fieldStrengthT    Magnetic Field Strength in tesla
 * @param contrast          whether a contrast/bolus agent is recorded
 * @param pixelSpacingMm    Pixel Spacing (row, column) in mm
 * @param rows              image rows
 * @param columns           image columns
 * @param frames            frames per instance (1 when not multi-frame)
 * @param instances         instances of the series seen
 */
public record SeriesContext(Optional<String> modality, Optional<String> description, Optional<String> bodyPart,
        Optional<String> laterality, OptionalDouble sliceThicknessMm, OptionalDouble kvp,
        OptionalDouble fieldStrengthT, boolean contrast, Optional<PixelSpacing> pixelSpacingMm, OptionalInt rows,
        OptionalInt columns, int frames, int instances) {

    /** Validates. */
    public SeriesContext {
        Objects.requireNonNull(modality, "modality");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(bodyPart, "bodyPart");
        Objects.requireNonNull(laterality, "laterality");
        Objects.requireNonNull(sliceThicknessMm, "sliceThicknessMm");
        Objects.requireNonNull(kvp, "kvp");
        Objects.requireNonNull(fieldStrengthT, "fieldStrengthT");
        Objects.requireNonNull(pixelSpacingMm, "pixelSpacingMm");
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(columns, "columns");
        if (frames < 1 || instances < 1) {
            throw new IllegalArgumentException("frames and instances must be at least 1");
        }
    }

    /**
     * Pixel spacing in mm.
     *
     * @param row    distance between rows
     * @param column distance between columns
     */
    public record PixelSpacing(double row, double column) {
        /** Validates. */
        public PixelSpacing {
            if (!(row > 0) || !(column > 0) || !Double.isFinite(row) || !Double.isFinite(column)) {
                throw new IllegalArgumentException("pixel spacing must be positive: " + row + ", " + column);
            }
        }
    }
}

package dev.deliberate.medical.render;

/**
 * One frame of pixel data as stored values: bits outside Bits Stored masked off and sign-extended when Pixel
 * Representation is 1, samples interleaved per pixel ({@code R G B R G B...} or {@code Y Cb Cr...}; YBR_FULL_422 is
 * expanded to one Cb/Cr pair per pixel). No colour conversion, no LUT. Immutable.
 */
public final class DecodedFrame {
    private final int rows;
    private final int columns;
    private final int samplesPerPixel;
    private final String photometric;
    private final int[] values;

    DecodedFrame(int rows, int columns, int samplesPerPixel, String photometric, int[] values) {
        this.rows = rows;
        this.columns = columns;
        this.samplesPerPixel = samplesPerPixel;
        this.photometric = photometric;
        this.values = values;
    }

    /** Rows (height). */
    public int rows() {
        return rows;
    }

    /** Columns (width). */
    public int columns() {
        return columns;
    }

    /** Samples per pixel (1 or 3). */
    public int samplesPerPixel() {
        return samplesPerPixel;
    }

    /** The photometric interpretation of the values (YBR_FULL_422 is reported as YBR_FULL after expansion). */
    public String photometricInterpretation() {
        return photometric;
    }

    /** The sample {@code s} of the pixel at {@code row}, {@code column}. */
    public int sample(int row, int column, int s) {
        return values[(row * columns + column) * samplesPerPixel + s];
    }

    /** All samples, row by row, interleaved (a copy). */
    public int[] samples() {
        return values.clone();
    }

    int[] raw() {
        return values;
    }
}

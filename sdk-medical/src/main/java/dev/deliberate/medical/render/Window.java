package dev.deliberate.medical.render;

/**
 * A VOI window: centre and width in modality units (e.g. Hounsfield units), with the function that applies it.
 *
 * @param center   window centre
 * @param width    window width (greater than 0; LINEAR treats widths below 1 as 1)
 * @param function how values are mapped
 */
public record Window(double center, double width, VoiFunction function) {

    /** Validates. */
    public Window {
        if (!Double.isFinite(center) || !Double.isFinite(width) || width <= 0) {
            throw new IllegalArgumentException("window needs a finite centre and a width > 0: " + center + ", "
                    + width);
        }
        if (function == null) {
            throw new NullPointerException("function");
        }
    }

    /** A LINEAR window. */
    public static Window of(double center, double width) {
        return new Window(center, width, VoiFunction.LINEAR);
    }

    /**
     * Parses {@code "C,W"} (e.g. {@code "40,400"}).
     *
     * @throws IllegalArgumentException when the text is not two numbers
     */
    public static Window parse(String text) {
        String[] p = text.split(",");
        if (p.length != 2) {
            throw new IllegalArgumentException("window must be CENTER,WIDTH: " + text);
        }
        try {
            return of(Double.parseDouble(p[0].strip()), Double.parseDouble(p[1].strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("window must be CENTER,WIDTH: " + text, e);
        }
    }
}

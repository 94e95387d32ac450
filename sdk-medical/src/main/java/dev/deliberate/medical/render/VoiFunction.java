package dev.deliberate.medical.render;

import java.util.Locale;
import java.util.Optional;

/** The VOI LUT Function (0028,1056) that maps modality values through a window (PS3.3 C.11.2.1.2, C.11.2.1.3). */
public enum VoiFunction {
    /** The default: a line between (c - 0.5 - (w-1)/2) and (c - 0.5 + (w-1)/2); width at least 1. */
    LINEAR,
    /** A line between c - w/2 and c + w/2; width greater than 0. */
    LINEAR_EXACT,
    /** A logistic curve centred on c with slope set by w. */
    SIGMOID;

    /** The function named by a VOI LUT Function value; empty for unknown names. */
    public static Optional<VoiFunction> fromDicom(String value) {
        try {
            return Optional.of(valueOf(value.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Maps a modality value to the output range.
     *
     * @param x      the modality value
     * @param window the window
     * @param yMin   lowest output
     * @param yMax   highest output
     */
    public double apply(double x, Window window, double yMin, double yMax) {
        double c = window.center();
        double w = window.width();
        switch (this) {
            case LINEAR: {
                double wl = Math.max(w, 1);
                if (x <= c - 0.5 - (wl - 1) / 2) {
                    return yMin;
                }
                if (x > c - 0.5 + (wl - 1) / 2) {
                    return yMax;
                }
                return ((x - (c - 0.5)) / (wl - 1) + 0.5) * (yMax - yMin) + yMin;
            }
            case LINEAR_EXACT:
                if (x <= c - w / 2) {
                    return yMin;
                }
                if (x > c + w / 2) {
                    return yMax;
                }
                return ((x - c) / w + 0.5) * (yMax - yMin) + yMin;
            default:
                return (yMax - yMin) / (1 + Math.exp(-4 * (x - c) / w)) + yMin;
        }
    }
}

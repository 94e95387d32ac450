package dev.deliberate.medical.render;

import java.util.Objects;
import java.util.Optional;

/**
 * What to render.
 *
 * @param frame      zero-based frame index
 * @param window     the window to use instead of the file's (first) Window Center/Width
 * @param maxSamples the largest rows x columns x samples per frame accepted (guards memory)
 */
public record RenderOptions(int frame, Optional<Window> window, long maxSamples) {

    /** 64 Mi samples per frame: e.g. an 8192 x 8192 monochrome image, or 4096 x 4096 RGB at 4 frames of headroom. */
    public static final long DEFAULT_MAX_SAMPLES = 64L * 1024 * 1024;

    /** Validates. */
    public RenderOptions {
        if (frame < 0) {
            throw new IllegalArgumentException("frame must not be negative: " + frame);
        }
        Objects.requireNonNull(window, "window");
        if (maxSamples < 1) {
            throw new IllegalArgumentException("maxSamples must be positive");
        }
    }

    /** Frame 0, the file's window, default bound. */
    public static RenderOptions defaults() {
        return new RenderOptions(0, Optional.empty(), DEFAULT_MAX_SAMPLES);
    }

    /** These options for another frame. */
    public RenderOptions withFrame(int newFrame) {
        return new RenderOptions(newFrame, window, maxSamples);
    }

    /** These options with a given window. */
    public RenderOptions withWindow(Window newWindow) {
        return new RenderOptions(frame, Optional.of(newWindow), maxSamples);
    }

    /** These options with another bound. */
    public RenderOptions withMaxSamples(long max) {
        return new RenderOptions(frame, window, max);
    }
}

package dev.deliberate.cli.core;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Locale;

/** Shows on stderr that a large model is loading, so a long pause is never a silent one. */
final class LoadProgress {

    /** Files smaller than this load in a blink: no progress shown. */
    private static final long LARGE = 64L << 20;

    private LoadProgress() {}

    static ModelOptions attach(ModelOptions options, ModelLocator locator, PrintWriter err) {
        if (!(locator instanceof ModelLocator.File f) || !Files.isRegularFile(f.path())) {
            return options;
        }
        long size;
        try {
            size = Files.size(f.path());
        } catch (java.io.IOException e) {
            return options;
        }
        if (size < LARGE) {
            return options;
        }
        boolean live = System.console() != null;
        String what = String.format(Locale.ROOT, "deliberate: loading %s (%,d MB)", f.path().getFileName(),
                size >> 20);
        int[] shown = {-1};
        return options.withLoadProgress(p -> {
            synchronized (shown) { // told from the loading and the hashing thread
                report(p, live, what, shown, err);
            }
        });
    }

    private static void report(double p, boolean live, String what, int[] shown, PrintWriter err) {
        {
            int percent = (int) Math.round(p * 100);
            if (percent == shown[0]) {
                return;
            }
            if (live) {
                err.print("\r" + what + " " + percent + "%" + (percent == 100 ? "\n" : ""));
            } else if (shown[0] < 0 || percent == 100) {
                err.println(what + (percent == 100 ? ": done" : "..."));
            }
            shown[0] = percent;
            err.flush();
        }
    }
}

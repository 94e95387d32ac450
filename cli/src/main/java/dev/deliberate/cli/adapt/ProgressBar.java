package dev.deliberate.cli.adapt;

import dev.deliberate.adapt.train.TrainingListener;
import dev.deliberate.adapt.train.TrainingProgress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Renders training progress on stderr: a bar redrawn in place on a terminal
 * ({@code [#####.....] 42/100 loss 2.134 1,234 tok/s ETA 1m05s}), one line per tenth of the run otherwise.
 */
final class ProgressBar implements TrainingListener {

    private static final int WIDTH = 24;

    private final PrintWriter err;
    private final boolean live;
    private int shownTenth = -1;
    private boolean drawn;

    ProgressBar(PrintWriter err, boolean live) {
        this.err = err;
        this.live = live;
    }

    @Override
    public void onStep(TrainingProgress p) {
        double f = p.fraction().orElse(0.0);
        String line = line(p, f);
        if (live) {
            err.print("\r" + line + "   ");
            drawn = true;
        } else {
            int tenth = (int) Math.floor(f * 10);
            if (tenth == shownTenth) {
                return;
            }
            shownTenth = tenth;
            err.println(line);
        }
        err.flush();
    }

    static String line(TrainingProgress p, double fraction) {
        int filled = (int) Math.round(fraction * WIDTH);
        String steps = p.totalSteps().isPresent() ? p.step() + "/" + p.totalSteps().getAsLong() : "step " + p.step();
        return String.format(Locale.ROOT, "[%s%s] %s loss %.3f %,.0f tok/s ETA %s", "#".repeat(filled),
                ".".repeat(WIDTH - filled), steps, p.loss(), p.tokensPerSecond(),
                p.remaining().map(ProgressBar::duration).orElse("?"));
    }

    @Override
    public void onEvaluation(long step, double loss) {
        message(String.format(Locale.ROOT, "step %d: eval loss %.3f", step, loss));
    }

    @Override
    public void onResume(long step, Path checkpoint) {
        message("resuming at step " + step + " from " + checkpoint);
    }

    private void message(String text) {
        if (drawn) {
            err.println();
            drawn = false;
        }
        err.println("deliberate: " + text);
        err.flush();
    }

    void finish() {
        if (drawn) {
            err.println();
            err.flush();
            drawn = false;
        }
    }

    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
                : String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
}

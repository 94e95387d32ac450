package dev.deliberate.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.testing.Peers;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report as a person sees it: headless Chromium opens it from disk (no network: the page is
 * self-contained) and takes a screenshot; the screenshot must show the charts, found by their colours, not by
 * matching strings in the file.
 */
class ReportInChromiumIT {

    @TempDir
    Path dir;

    @Test
    void chromiumShowsTheChartsOfTheReport() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Peers.require(Files.isExecutable(chromium), "Chromium (Debian package chromium)");
        EvalReport.Files files = EvalReport.write(CouncilCascadeMetricsTest.run(), Optional.empty(),
                dir.resolve("report"));
        Path shot = dir.resolve("shot.png");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + dir.resolve("profile"), "--window-size=1500,4000",
                "--screenshot=" + shot, files.html().toUri().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("chromium.log")));
        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(1500, img.getWidth());
        // the outcomes chart paints CORRECT green and BUDGET CUT orange: both must be on the screen
        assertTrue(count(img, 0x2e7d32) > 500, "green bars of correct cases are visible");
        assertTrue(count(img, 0xef6c00) > 200, "orange bars of budget-cut cases are visible");
        // agreement against correctness: right answers teal, wrong ones magenta; the cascade chart's first step blue
        assertTrue(count(img, EvalReport.AGREEMENT_CORRECT.getRGB() & 0xffffff) > 500, "teal: right answers");
        assertTrue(count(img, EvalReport.AGREEMENT_WRONG.getRGB() & 0xffffff) > 300, "magenta: wrong answers");
        assertTrue(count(img, 0x1565c0) > 300, "blue: cases the cascade's fast step answered");
        assertTrue(count(img, EvalReport.UNRESOLVED.getRGB() & 0xffffff) > 300, "grey: unresolved cascade cases");
    }

    private static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int c = img.getRGB(x, y) & 0xffffff;
                if (Math.abs(((c >> 16) & 0xff) - ((rgb >> 16) & 0xff)) < 12
                        && Math.abs(((c >> 8) & 0xff) - ((rgb >> 8) & 0xff)) < 12
                        && Math.abs((c & 0xff) - (rgb & 0xff)) < 12) {
                    n++;
                }
            }
        }
        return n;
    }
}

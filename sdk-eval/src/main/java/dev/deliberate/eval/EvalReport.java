package dev.deliberate.eval;

import dev.deliberate.core.io.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * Writes an evaluation as a report a person reads: {@code report.md}, a self-contained {@code report.html} (charts
 * inlined as SVG, no scripts, no network), the charts as PNG and SVG files in {@code charts/}, and the run itself as
 * {@code results.json} for later comparisons. Charts: accuracy by setting, accuracy against thinking budget (when
 * settings of one model differ by budget), outcomes by setting (wrong kept apart from budget-cut, deadline and
 * invalid), latency distribution, per-field accuracy, agreement against correctness (for councils: are the answers a
 * council disagreed on more often wrong?) and the cascade paths (which step answered). Drawn with JFreeChart (and
 * JFreeSVG for the SVG copies).
 */
public final class EvalReport {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 360;
    private static final Color[] OUTCOME_COLOURS = {
        new Color(0x2e7d32), new Color(0xc62828), new Color(0xef6c00), new Color(0x6a1b9a), new Color(0x616161),
        new Color(0x000000)};

    /** Colours of the agreement chart: right answers teal, wrong ones magenta. */
    static final Color AGREEMENT_CORRECT = new Color(0x00838f);
    static final Color AGREEMENT_WRONG = new Color(0xad1457);
    private static final Color[] STEP_COLOURS = {
        new Color(0x1565c0), new Color(0x7cb342), new Color(0xffb300), new Color(0x8d6e63), new Color(0x26a69a)};
    /** Colour of the cases no cascade step resolved. */
    static final Color UNRESOLVED = new Color(0x424242);

    private EvalReport() {}

    /** The files a report consists of. */
    public record Files(Path markdown, Path html, Path results, List<Path> charts) {}

    /**
     * Writes the report into {@code dir} (created when missing; files replaced atomically).
     *
     * @param baseline an earlier run to compare with, if any
     */
    public static Files write(EvalRun run, Optional<EvalRun> baseline, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<SettingSummary> summaries = run.summaries();
        Map<String, JFreeChart> charts = new LinkedHashMap<>();
        charts.put("accuracy", accuracyBySetting(summaries));
        accuracyByBudget(summaries).ifPresent(c -> charts.put("accuracy-vs-budget", c));
        charts.put("outcomes", outcomes(summaries));
        charts.put("latency", latency(run));
        if (!run.fields().isEmpty()) {
            charts.put("fields", fieldAccuracy(summaries, run.fields()));
        }
        agreementVsCorrectness(summaries).ifPresent(c -> charts.put("agreement-vs-correctness", c));
        cascadePaths(summaries).ifPresent(c -> charts.put("cascade-paths", c));
        List<Path> chartFiles = new ArrayList<>();
        Map<String, String> svgs = new LinkedHashMap<>();
        for (Map.Entry<String, JFreeChart> e : charts.entrySet()) {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(png, e.getValue(), WIDTH, HEIGHT);
            Path pngFile = dir.resolve("charts").resolve(e.getKey() + ".png");
            AtomicFiles.write(pngFile, png.toByteArray());
            SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
            e.getValue().draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
            String svg = g.getSVGElement();
            Path svgFile = dir.resolve("charts").resolve(e.getKey() + ".svg");
            AtomicFiles.write(svgFile, svg.getBytes(StandardCharsets.UTF_8));
            chartFiles.add(pngFile);
            chartFiles.add(svgFile);
            svgs.put(e.getKey(), svg);
        }
        Optional<Comparison> comparison = baseline.map(b -> Comparison.of(b, run));
        Path results = dir.resolve("results.json");
        run.write(results);
        Path md = dir.resolve("report.md");
        AtomicFiles.write(md, ReportText.markdown(run, summaries, comparison, charts.keySet())
                .getBytes(StandardCharsets.UTF_8));
        Path html = dir.resolve("report.html");
        AtomicFiles.write(html, ReportText.html(run, summaries, comparison, svgs).getBytes(StandardCharsets.UTF_8));
        return new Files(md, html, results, chartFiles);
    }

    private static JFreeChart style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        if (chart.getPlot() instanceof CategoryPlot p) {
            p.setBackgroundPaint(new Color(0xfafafa));
            p.setRangeGridlinePaint(new Color(0xbdbdbd));
            if (p.getRenderer() instanceof BarRenderer r) {
                r.setBarPainter(new StandardBarPainter());
                r.setShadowVisible(false);
            }
        } else if (chart.getPlot() instanceof XYPlot p) {
            p.setBackgroundPaint(new Color(0xfafafa));
            p.setRangeGridlinePaint(new Color(0xbdbdbd));
            p.setDomainGridlinePaint(new Color(0xbdbdbd));
        }
        return chart;
    }

    private static void unitRange(CategoryPlot p) {
        NumberAxis axis = (NumberAxis) p.getRangeAxis();
        axis.setRange(0, 1.0);
        axis.setNumberFormatOverride(java.text.NumberFormat.getPercentInstance(Locale.ROOT));
    }

    private static JFreeChart accuracyBySetting(List<SettingSummary> summaries) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        for (SettingSummary s : summaries) {
            d.addValue(s.accuracy(), "correct", s.setting().label());
            d.addValue(s.validity(), "valid", s.setting().label());
        }
        JFreeChart c = ChartFactory.createBarChart("Accuracy and validity by setting", "setting", "share of cases", d,
                PlotOrientation.VERTICAL, true, false, false);
        unitRange(c.getCategoryPlot());
        return style(c);
    }

    /** Accuracy against thinking budget, one line per model, when some model was run at two budgets or more. */
    private static Optional<JFreeChart> accuracyByBudget(List<SettingSummary> summaries) {
        Map<String, XYSeries> byModel = new LinkedHashMap<>();
        for (SettingSummary s : summaries) {
            if (s.setting().thinkingBudget().isPresent()) {
                byModel.computeIfAbsent(s.setting().model(), m -> new XYSeries(m, true, false))
                        .addOrUpdate(s.setting().thinkingBudget().getAsInt(), s.accuracy());
            }
        }
        if (byModel.values().stream().noneMatch(x -> x.getItemCount() >= 2)) {
            return Optional.empty();
        }
        XYSeriesCollection d = new XYSeriesCollection();
        byModel.values().forEach(d::addSeries);
        JFreeChart c = ChartFactory.createXYLineChart("Accuracy against thinking budget", "thinking budget (tokens)",
                "share correct", d, PlotOrientation.VERTICAL, true, false, false);
        XYPlot p = c.getXYPlot();
        p.setRenderer(new XYLineAndShapeRenderer(true, true));
        NumberAxis y = (NumberAxis) p.getRangeAxis();
        y.setRange(0, 1.0);
        y.setNumberFormatOverride(java.text.NumberFormat.getPercentInstance(Locale.ROOT));
        return Optional.of(style(c));
    }

    private static JFreeChart outcomes(List<SettingSummary> summaries) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        for (SettingSummary s : summaries) {
            for (Outcome o : Outcome.values()) {
                d.addValue(s.cases() == 0 ? 0 : s.outcomes().get(o) / (double) s.cases(), o.name().toLowerCase(
                        Locale.ROOT).replace('_', ' '), s.setting().label());
            }
        }
        JFreeChart c = ChartFactory.createStackedBarChart("Outcomes by setting", "setting", "share of cases", d,
                PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot p = c.getCategoryPlot();
        StackedBarRenderer r = (StackedBarRenderer) p.getRenderer();
        for (int i = 0; i < OUTCOME_COLOURS.length; i++) {
            r.setSeriesPaint(i, OUTCOME_COLOURS[i]);
        }
        unitRange(p);
        return style(c);
    }

    private static JFreeChart latency(EvalRun run) {
        DefaultBoxAndWhiskerCategoryDataset d = new DefaultBoxAndWhiskerCategoryDataset();
        for (SettingInfo s : run.settings()) {
            List<Double> ms = run.results().stream().filter(r -> r.setting().equals(s.label()))
                    .map(r -> (double) r.latencyMillis()).toList();
            d.add(ms, "latency", s.label());
        }
        JFreeChart c = ChartFactory.createBoxAndWhiskerChart("Latency by setting", "setting", "ms per case", d, false);
        BoxAndWhiskerRenderer r = (BoxAndWhiskerRenderer) c.getCategoryPlot().getRenderer();
        r.setMeanVisible(false); // the median line is the figure; JFreeChart's mean disc hides it
        r.setMaximumBarWidth(0.25);
        r.setSeriesPaint(0, new Color(0x90caf9));
        return style(c);
    }

    private static JFreeChart fieldAccuracy(List<SettingSummary> summaries, List<String> fields) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        for (SettingSummary s : summaries) {
            for (String f : fields) {
                Double v = s.fieldAccuracy().get(f);
                if (v != null) {
                    d.addValue(v, s.setting().label(), f);
                }
            }
        }
        JFreeChart c = ChartFactory.createBarChart("Accuracy per answer field", "field", "mean score", d,
                PlotOrientation.VERTICAL, true, false, false);
        unitRange(c.getCategoryPlot());
        return style(c);
    }

    /**
     * For every setting with council verdicts: the cases it agreed on and those it disagreed on, each split into right
     * and wrong answers. A useful warning shows mostly magenta in the "disagreed" bars and mostly teal in the
     * "agreed" ones.
     */
    private static Optional<JFreeChart> agreementVsCorrectness(List<SettingSummary> summaries) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        for (SettingSummary s : summaries) {
            if (s.council().isEmpty()) {
                continue;
            }
            DisagreementWarning w = s.council().get();
            String label = s.setting().label();
            d.addValue(w.agreedCorrect(), "right answer", label + ": agreed");
            d.addValue(w.agreedWrong(), "wrong answer", label + ": agreed");
            d.addValue(w.disagreedCorrect(), "right answer", label + ": disagreed");
            d.addValue(w.disagreedWrong(), "wrong answer", label + ": disagreed");
        }
        if (d.getColumnCount() == 0) {
            return Optional.empty();
        }
        JFreeChart c = ChartFactory.createStackedBarChart("Council agreement against correctness", "council verdict",
                "cases", d, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot p = c.getCategoryPlot();
        StackedBarRenderer r = (StackedBarRenderer) p.getRenderer();
        r.setSeriesPaint(0, AGREEMENT_CORRECT);
        r.setSeriesPaint(1, AGREEMENT_WRONG);
        ((NumberAxis) p.getRangeAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return Optional.of(style(c));
    }

    /** For every cascade setting: the share of cases each step answered, and the unresolved share. */
    private static Optional<JFreeChart> cascadePaths(List<SettingSummary> summaries) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        List<String> keys = new ArrayList<>();
        for (SettingSummary s : summaries) {
            s.cascade().ifPresent(paths -> paths.answeredBy().keySet().stream().filter(k -> !keys.contains(k)
                    && !k.equals(CascadePaths.UNRESOLVED)).forEach(keys::add));
        }
        keys.add(CascadePaths.UNRESOLVED);
        for (SettingSummary s : summaries) {
            if (s.cascade().isEmpty()) {
                continue;
            }
            for (String k : keys) {
                d.addValue(s.cascade().get().share(k), k.equals(CascadePaths.UNRESOLVED) ? "unresolved"
                        : "answered by " + k, s.setting().label());
            }
        }
        if (d.getColumnCount() == 0) {
            return Optional.empty();
        }
        JFreeChart c = ChartFactory.createStackedBarChart("Cascade: which step answered", "setting", "share of cases",
                d, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot p = c.getCategoryPlot();
        StackedBarRenderer r = (StackedBarRenderer) p.getRenderer();
        for (int i = 0; i < keys.size() - 1; i++) {
            r.setSeriesPaint(i, STEP_COLOURS[i % STEP_COLOURS.length]);
        }
        r.setSeriesPaint(keys.size() - 1, UNRESOLVED);
        unitRange(p);
        return Optional.of(style(c));
    }
}

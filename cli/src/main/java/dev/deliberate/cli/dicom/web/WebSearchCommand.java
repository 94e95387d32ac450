package dev.deliberate.cli.dicom.web;

import dev.deliberate.medical.dicom.DicomJson;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.web.DicomWebClient;
import dev.deliberate.medical.web.QidoQuery;
import dev.deliberate.medical.web.QueryLevel;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code deliberate dicom web search [--level STUDY|SERIES|INSTANCE] [--match KEY=VALUE]... [--json] --url BASE}:
 * QIDO-RS. Prints one tab-separated line per match (UIDs and a few describing attributes), or with {@code --json} the
 * matches as a DICOM JSON array.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search studies, series or instances with QIDO-RS.")
public final class WebSearchCommand implements Callable<Integer> {

    @Option(names = "--level", paramLabel = "LEVEL", defaultValue = "STUDY",
            description = "What one result is: ${COMPLETION-CANDIDATES} (default: STUDY).")
    QueryLevel level;

    @Option(names = "--match", paramLabel = "KEY=VALUE", description = "A match key, repeatable: a DICOM keyword or "
            + "8-hex-digit tag and a value with DICOM matching (* and ? wildcards, date ranges such as 20240101-).")
    List<String> matches = new ArrayList<>();

    @Option(names = "--include", paramLabel = "KEY", description = "Another attribute to return, repeatable ('all' "
            + "for every one the server has).")
    List<String> include = new ArrayList<>();

    @Option(names = "--study", paramLabel = "UID", description = "Search only inside this study (series and "
            + "instance levels).")
    String study;

    @Option(names = "--series", paramLabel = "UID", description = "Search only inside this series (instance level; "
            + "needs --study).")
    String series;

    @Option(names = "--limit", paramLabel = "N", description = "At most N results.")
    Integer limit;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0", description = "Skip the first N results.")
    int offset;

    @Option(names = "--fuzzy", description = "Ask for fuzzy matching of person names.")
    boolean fuzzy;

    @Option(names = "--json", description = "Print the results as a DICOM JSON array.")
    boolean json;

    @Mixin
    WebConnection connection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        QidoQuery q;
        try {
            q = QidoQuery.of(level).withOffset(offset).withFuzzyMatching(fuzzy);
            for (String m : matches) {
                int eq = m.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--match must be KEY=VALUE, got '" + m + "'");
                }
                q = q.match(m.substring(0, eq).strip(), m.substring(eq + 1));
            }
            for (String f : include) {
                q = q.includeField(f.strip());
            }
            if (!json) {
                // the table's describing columns, which servers need not return unasked
                for (String f : switch (level) {
                    case STUDY -> List.of("StudyDescription", "ModalitiesInStudy");
                    case SERIES -> List.of("SeriesDescription", "SeriesNumber");
                    case INSTANCE -> List.of("InstanceNumber");
                }) {
                    if (!include.contains(f)) {
                        q = q.includeField(f);
                    }
                }
            }
            if (limit != null) {
                q = q.withLimit(limit);
            }
            if (series != null) {
                if (study == null) {
                    throw new IllegalArgumentException("--series needs --study");
                }
                q = q.inSeries(study, series);
            } else if (study != null) {
                q = q.inStudy(study);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<DicomObject> results;
        try (DicomWebClient web = connection.open(spec.commandLine())) {
            results = web.search(q);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.print('[');
            for (int i = 0; i < results.size(); i++) {
                out.print((i == 0 ? "" : ",") + DicomJson.toJson(results.get(i)));
            }
            out.println(']');
        } else {
            for (DicomObject r : results) {
                out.println(String.join("\t", row(r)));
            }
            spec.commandLine().getErr().println(String.format(Locale.ROOT, "deliberate: %d %s", results.size(),
                    results.size() == 1 ? levelName(false) : levelName(true)));
        }
        out.flush();
        spec.commandLine().getErr().flush();
        return 0;
    }

    private String levelName(boolean plural) {
        return switch (level) {
            case STUDY -> plural ? "studies" : "study";
            case SERIES -> "series";
            case INSTANCE -> plural ? "instances" : "instance";
        };
    }

    private List<String> row(DicomObject r) {
        List<String> cells = new ArrayList<>();
        switch (level) {
            case STUDY -> {
                cells.add(text(r, Tags.StudyInstanceUID));
                cells.add(text(r, Tags.StudyDate));
                cells.add(text(r, Tags.PatientID));
                cells.add(String.join("\\", r.getStrings(Tags.ModalitiesInStudy)));
                cells.add(text(r, Tags.StudyDescription));
            }
            case SERIES -> {
                cells.add(text(r, Tags.SeriesInstanceUID));
                cells.add(text(r, Tags.Modality));
                cells.add(text(r, Tags.SeriesNumber));
                cells.add(text(r, Tags.SeriesDescription));
            }
            case INSTANCE -> {
                cells.add(text(r, Tags.SOPInstanceUID));
                cells.add(text(r, Tags.SOPClassUID));
                cells.add(text(r, Tags.InstanceNumber));
            }
        }
        return cells;
    }

    private static String text(DicomObject r, int tag) {
        return r.getString(tag).map(s -> s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ')).orElse("");
    }
}

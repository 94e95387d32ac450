package dev.deliberate.medical.web;

import dev.deliberate.medical.dicom.DataDictionary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A QIDO-RS search (PS3.18 10.6): the level, an optional study/series scope, match keys, extra fields to return,
 * paging. Immutable; the {@code with...} methods return changed copies.
 *
 * <pre>{@code
 * QidoQuery q = QidoQuery.studies().match("PatientID", "P-42").match("StudyDate", "20240101-")
 *         .includeField("StudyDescription").withLimit(20);
 * }</pre>
 *
 * @param level         what one result is: a study, series or instance
 * @param studyUid      restrict series or instance searches to this study
 * @param seriesUid     restrict instance searches to this series (needs {@code studyUid})
 * @param matches       attribute (keyword, 8-hex-digit tag, or a dotted path of them into sequences) to value; values
 *                      use DICOM matching ({@code *} and {@code ?} wildcards, ranges with {@code -}, lists with
 *                      {@code \})
 * @param includeFields attributes to return beyond the defaults, or {@code all}
 * @param fuzzyMatching ask for fuzzy matching of person names
 * @param limit         most results, if set
 * @param offset        results to skip
 */
public record QidoQuery(QueryLevel level, Optional<String> studyUid, Optional<String> seriesUid,
        Map<String, String> matches, List<String> includeFields, boolean fuzzyMatching, OptionalInt limit,
        int offset) {

    /** Validates keys, UIDs and paging, and copies the collections. */
    public QidoQuery {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(studyUid, "studyUid").ifPresent(u -> WadoTarget.checkUid(u, "study UID"));
        Objects.requireNonNull(seriesUid, "seriesUid").ifPresent(u -> WadoTarget.checkUid(u, "series UID"));
        if (seriesUid.isPresent() && (studyUid.isEmpty() || level != QueryLevel.INSTANCE)) {
            throw new IllegalArgumentException("a series scope needs a study scope and an instance-level search");
        }
        if (studyUid.isPresent() && level == QueryLevel.STUDY) {
            throw new IllegalArgumentException("a study-level search cannot be scoped to a study; match "
                    + "StudyInstanceUID instead");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : Objects.requireNonNull(matches, "matches").entrySet()) {
            m.put(checkKey(e.getKey()), Objects.requireNonNull(e.getValue(), "match value"));
        }
        matches = java.util.Collections.unmodifiableMap(m);
        List<String> inc = new ArrayList<>();
        for (String f : Objects.requireNonNull(includeFields, "includeFields")) {
            inc.add(f.equals("all") ? f : checkKey(f));
        }
        includeFields = List.copyOf(inc);
        Objects.requireNonNull(limit, "limit");
        if (limit.isPresent() && limit.getAsInt() < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
    }

    /** A search for studies. */
    public static QidoQuery studies() {
        return of(QueryLevel.STUDY);
    }

    /** A search for series (in all studies). */
    public static QidoQuery series() {
        return of(QueryLevel.SERIES);
    }

    /** A search for instances (in all studies). */
    public static QidoQuery instances() {
        return of(QueryLevel.INSTANCE);
    }

    /** A search at {@code level}, unscoped, with no match keys. */
    public static QidoQuery of(QueryLevel level) {
        return new QidoQuery(level, Optional.empty(), Optional.empty(), Map.of(), List.of(), false,
                OptionalInt.empty(), 0);
    }

    /** This query with one more match key (replacing one of the same name). */
    public QidoQuery match(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(matches);
        m.put(key, value);
        return new QidoQuery(level, studyUid, seriesUid, m, includeFields, fuzzyMatching, limit, offset);
    }

    /** This query returning one more attribute. */
    public QidoQuery includeField(String key) {
        List<String> l = new ArrayList<>(includeFields);
        l.add(key);
        return new QidoQuery(level, studyUid, seriesUid, matches, l, fuzzyMatching, limit, offset);
    }

    /** This query restricted to one study (series or instance level). */
    public QidoQuery inStudy(String study) {
        return new QidoQuery(level, Optional.of(study), seriesUid, matches, includeFields, fuzzyMatching, limit,
                offset);
    }

    /** This query restricted to one series of one study (instance level). */
    public QidoQuery inSeries(String study, String series) {
        return new QidoQuery(level, Optional.of(study), Optional.of(series), matches, includeFields, fuzzyMatching,
                limit, offset);
    }

    /** This query with fuzzy person-name matching on or off. */
    public QidoQuery withFuzzyMatching(boolean fuzzy) {
        return new QidoQuery(level, studyUid, seriesUid, matches, includeFields, fuzzy, limit, offset);
    }

    /** This query returning at most {@code max} results. */
    public QidoQuery withLimit(int max) {
        return new QidoQuery(level, studyUid, seriesUid, matches, includeFields, fuzzyMatching, OptionalInt.of(max),
                offset);
    }

    /** This query skipping the first {@code skip} results. */
    public QidoQuery withOffset(int skip) {
        return new QidoQuery(level, studyUid, seriesUid, matches, includeFields, fuzzyMatching, limit, skip);
    }

    /** The resource path below the service root, e.g. {@code studies/1.2/series}. */
    String path() {
        StringBuilder sb = new StringBuilder();
        studyUid.ifPresent(s -> sb.append("studies/").append(s).append('/'));
        seriesUid.ifPresent(s -> sb.append("series/").append(s).append('/'));
        return sb.append(level.path()).toString();
    }

    /** The query string, percent-encoded, without the leading '?'; empty when there are no parameters. */
    String queryString() {
        List<String> p = new ArrayList<>();
        matches.forEach((k, v) -> p.add(encode(k) + "=" + encode(v)));
        includeFields.forEach(f -> p.add("includefield=" + encode(f)));
        if (fuzzyMatching) {
            p.add("fuzzymatching=true");
        }
        limit.ifPresent(l -> p.add("limit=" + l));
        if (offset > 0) {
            p.add("offset=" + offset);
        }
        return String.join("&", p);
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A keyword, an 8-hex-digit tag, or a dotted path of them. */
    private static String checkKey(String key) {
        Objects.requireNonNull(key, "attribute");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("empty attribute name");
        }
        for (String part : key.split("\\.", -1)) {
            boolean tag = part.length() == 8 && part.chars().allMatch(c -> Character.digit(c, 16) >= 0);
            if (!tag && DataDictionary.standard().tagForKeyword(part).isEmpty()) {
                throw new IllegalArgumentException("unknown attribute '" + part + "' in '" + key
                        + "': use a DICOM keyword (e.g. PatientID) or an 8-hex-digit tag (e.g. 00100020)");
            }
        }
        return key;
    }
}

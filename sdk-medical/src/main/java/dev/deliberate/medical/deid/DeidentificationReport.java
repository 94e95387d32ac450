package dev.deliberate.medical.deid;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.medical.dicom.DataDictionary;
import dev.deliberate.medical.dicom.Tag;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a de-identification did, attribute by attribute: for each (tag, action, reason) how many times it happened,
 * nested occurrences included. Values are never recorded, only tags, so a report can be shared with a privacy officer
 * without exposing what was removed. Immutable; reports of several instances are combined with {@link #merge}.
 *
 * @param entries the entries, sorted by tag, then action, then reason
 */
public record DeidentificationReport(List<Entry> entries) {

    /** What happened to an attribute. */
    public enum Action {
        /** Removed (X), with a sequence's items. */
        REMOVED,
        /** Kept with a zero-length value (Z). */
        EMPTIED,
        /** Given a dummy value (D). */
        DUMMY,
        /** UID values replaced (U). */
        UID_REPLACED,
        /** Cleaned (C): dates shifted or identifiers in text masked. */
        CLEANED,
        /** Kept unchanged (K, or not listed by the profile). */
        KEPT
    }

    /**
     * One line of the report.
     *
     * @param tag    the attribute's tag (private elements keep their own tag)
     * @param action what happened
     * @param reason why (the rule of PS3.15 Table E.1-1, the option, or the SDK rule that decided)
     * @param count  how many occurrences, nested ones included (at least 1)
     */
    public record Entry(int tag, Action action, String reason, long count) {
        /** Validates. */
        public Entry {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(reason, "reason");
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1");
            }
        }

        /** The PS3.6 keyword, or the tag as {@code (gggg,eeee)} when the dictionary does not name it. */
        public String keyword() {
            if (Tag.isPrivate(tag)) {
                return "(private) " + Tag.toString(tag);
            }
            return DataDictionary.standard().keyword(tag).orElse(Tag.toString(tag));
        }
    }

    private static final Comparator<Entry> ORDER = Comparator.comparingLong((Entry e) -> e.tag() & 0xFFFFFFFFL)
            .thenComparing(Entry::action).thenComparing(Entry::reason);

    /** Copies and sorts. */
    public DeidentificationReport {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(ORDER);
        entries = List.copyOf(sorted);
    }

    /** A report with nothing in it. */
    public static DeidentificationReport empty() {
        return new DeidentificationReport(List.of());
    }

    /** This report and another added together (counts of equal tag, action and reason summed). */
    public DeidentificationReport merge(DeidentificationReport other) {
        Map<Key, Long> m = new LinkedHashMap<>();
        for (Entry e : entries) {
            m.merge(new Key(e.tag(), e.action(), e.reason()), e.count(), Long::sum);
        }
        for (Entry e : other.entries) {
            m.merge(new Key(e.tag(), e.action(), e.reason()), e.count(), Long::sum);
        }
        List<Entry> out = new ArrayList<>(m.size());
        m.forEach((k, v) -> out.add(new Entry(k.tag, k.action, k.reason, v)));
        return new DeidentificationReport(out);
    }

    /** The entries for one tag (empty when the tag was not seen). */
    public List<Entry> entriesFor(int tag) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.tag() == tag) {
                out.add(e);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Occurrences per action, over all attributes. */
    public Map<Action, Long> totals() {
        Map<Action, Long> t = new EnumMap<>(Action.class);
        for (Action a : Action.values()) {
            t.put(a, 0L);
        }
        for (Entry e : entries) {
            t.merge(e.action(), e.count(), Long::sum);
        }
        return Collections.unmodifiableMap(t);
    }

    /**
     * The report as JSON: {@code {"totals": {...}, "attributes": [{"tag": "(0010,0010)", "keyword": "PatientName",
     * "action": "EMPTIED", "reason": "...", "count": 3}, ...]}}.
     */
    public String toJson() {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = om.createObjectNode();
        ObjectNode totals = root.putObject("totals");
        totals().forEach((a, n) -> totals.put(a.name(), n));
        ArrayNode attrs = root.putArray("attributes");
        for (Entry e : entries) {
            attrs.addObject().put("tag", Tag.toString(e.tag())).put("keyword", e.keyword())
                    .put("action", e.action().name()).put("reason", e.reason()).put("count", e.count());
        }
        try {
            return om.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException(ex); // a tree of strings and numbers always serialises
        }
    }

    private record Key(int tag, Action action, String reason) {}

    /** Collects entries during one run; not thread-safe. */
    static final class Collector {
        private final Map<Key, long[]> counts = new LinkedHashMap<>();

        void add(int tag, Action action, String reason) {
            counts.computeIfAbsent(new Key(tag, action, reason), k -> new long[1])[0]++;
        }

        DeidentificationReport build() {
            List<Entry> out = new ArrayList<>(counts.size());
            counts.forEach((k, v) -> out.add(new Entry(k.tag, k.action, k.reason, v[0])));
            return new DeidentificationReport(out);
        }
    }
}

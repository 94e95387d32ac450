package dev.deliberate.medical.sr;

import java.util.List;
import java.util.Objects;

/**
 * The content of a Basic Diagnostic Imaging Report (TID 2000): findings and impressions as text, the device that
 * observed, the language, and whether the report is complete. Immutable.
 *
 * @param findings    Finding (121071) texts, in order; at least one finding or impression is required
 * @param impressions Impression (121073) texts, in order
 * @param observer    the device observer
 * @param language    the language of the content as an RFC 5646 tag with its meaning (default English)
 * @param completion  the Completion Flag
 */
public record DiagnosticReport(List<String> findings, List<String> impressions, ObserverDevice observer,
        Language language, Completion completion) {

    /** The most text items accepted in one report. */
    public static final int MAX_ITEMS = 1000;
    /** The longest text item accepted, in characters. */
    public static final int MAX_TEXT = 1 << 20;

    /** Validates and copies. */
    public DiagnosticReport {
        findings = List.copyOf(findings);
        impressions = List.copyOf(impressions);
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(completion, "completion");
        if (findings.isEmpty() && impressions.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one finding or impression");
        }
        if (findings.size() + impressions.size() > MAX_ITEMS) {
            throw new IllegalArgumentException("more than " + MAX_ITEMS + " text items");
        }
        for (String s : findings) {
            checkText(s);
        }
        for (String s : impressions) {
            checkText(s);
        }
    }

    private static void checkText(String s) {
        if (s.isBlank()) {
            throw new IllegalArgumentException("findings and impressions must not be blank");
        }
        if (s.length() > MAX_TEXT) {
            throw new IllegalArgumentException("text item longer than " + MAX_TEXT + " characters");
        }
    }

    /** A complete report in English. */
    public static DiagnosticReport of(List<String> findings, List<String> impressions, ObserverDevice observer) {
        return new DiagnosticReport(findings, impressions, observer, Language.ENGLISH, Completion.COMPLETE);
    }

    /**
     * A language of content (TID 1204), coded in RFC 5646.
     *
     * @param tag     e.g. {@code en-US}
     * @param meaning e.g. {@code English (United States)}
     */
    public record Language(String tag, String meaning) {
        /** English. */
        public static final Language ENGLISH = new Language("en", "English");

        /** Validates. */
        public Language {
            if (!Objects.requireNonNull(tag, "tag").matches("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*") || tag.length() > 16) {
                throw new IllegalArgumentException("not an RFC 5646 language tag: " + tag);
            }
            if (Objects.requireNonNull(meaning, "meaning").isBlank() || meaning.length() > 64) {
                throw new IllegalArgumentException("language meaning must be 1..64 characters");
            }
        }
    }

    /** Completion Flag (0040,A491). */
    public enum Completion {
        /** Some content may be missing. */
        PARTIAL,
        /** The content is complete. */
        COMPLETE
    }
}

package dev.deliberate.medical.deid;

import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.Tags;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks identifying text in free text taken from a dataset: the parts of the person names and the identifiers that
 * the dataset itself carries (patient, physicians, operators, IDs, accession number, birth date, address, optionally
 * institution), date-like text and runs of six or more digits, each replaced by asterisks of the same length (so VR
 * length limits still hold). A heuristic for the Clean options and for prompt summaries, not a guarantee: text naming
 * someone the dataset does not name is not caught. Immutable and thread-safe.
 */
public final class IdentifierMasker {
    private static final Pattern DATE_LIKE = Pattern.compile(
            "\\b(?:(?:19|20)\\d{2}[-/.]?[01]\\d[-/.]?[0-3]\\d|\\d{1,2}[/.]\\d{1,2}[/.]\\d{2,4})\\b");
    private static final Pattern LONG_NUMBER = Pattern.compile("\\b\\d{6,}\\b");
    private static final int[] NAME_SOURCES = {Tags.PatientName, Tags.OtherPatientNames, Tags.PatientBirthName,
        Tags.PatientMotherBirthName, Tags.ReferringPhysicianName, Tags.PerformingPhysicianName,
        Tags.NameOfPhysiciansReadingStudy, Tags.OperatorsName, Tags.PhysiciansOfRecord, Tags.RequestingPhysician};
    private static final int[] ID_SOURCES = {Tags.PatientID, Tags.OtherPatientIDs, Tags.AccessionNumber,
        Tags.IssuerOfPatientID, Tags.PatientBirthDate, Tags.PatientTelephoneNumbers, Tags.PatientAddress,
        Tags.StudyID, Tags.AdmissionID, Tags.MedicalRecordLocator};

    private final List<String> tokens;
    private final List<Pattern> patterns;

    private IdentifierMasker(Set<String> tokens) {
        this.tokens = List.copyOf(tokens);
        List<Pattern> p = new ArrayList<>();
        for (String tok : tokens) {
            // Scripts written without spaces between words (Han, kana, Hangul, Thai...) have no word boundaries to
            // anchor on: 山田太郎 inside a sentence must match 山田 and 太郎; so those tokens match anywhere.
            String q = Pattern.quote(tok);
            p.add(Pattern.compile(unspaced(tok) ? q : "(?<![\\p{L}\\p{N}])" + q + "(?![\\p{L}\\p{N}])",
                    Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
        }
        this.patterns = List.copyOf(p);
    }

    /**
     * A masker for text from this dataset (its top level).
     *
     * @param includeInstitution whether the Institution Name is masked too
     */
    public static IdentifierMasker of(DicomObject dataset, boolean includeInstitution) {
        Objects.requireNonNull(dataset, "dataset");
        Set<String> tokens = new LinkedHashSet<>();
        for (int t : NAME_SOURCES) {
            for (String v : dataset.getStrings(t)) {
                for (String part : v.split("[\\^ ,=]+")) {
                    add(tokens, part);
                }
                for (String group : v.split("=", -1)) {
                    // the name as running text writes it in scripts without spaces: family and given name joined
                    // (山田太郎; this also catches a two-character name whose parts are single characters)
                    String joined = group.replaceAll("[\\^]+", "").strip();
                    if (unspaced(joined)) {
                        add(tokens, joined);
                    }
                }
            }
        }
        for (int t : ID_SOURCES) {
            for (String v : dataset.getStrings(t)) {
                add(tokens, v.strip());
                for (String part : v.split("[\\^=]+")) {
                    add(tokens, part.strip());
                }
            }
        }
        if (includeInstitution) {
            dataset.getString(Tags.InstitutionName).ifPresent(v -> add(tokens, v.strip()));
        }
        return new IdentifierMasker(tokens);
    }

    /** Whether the text contains a letter of a script that does not separate words with spaces. */
    static boolean unspaced(String t) {
        return t.codePoints().anyMatch(c -> {
            Character.UnicodeScript sc = Character.UnicodeScript.of(c);
            return sc == Character.UnicodeScript.HAN || sc == Character.UnicodeScript.HIRAGANA
                    || sc == Character.UnicodeScript.KATAKANA || sc == Character.UnicodeScript.HANGUL
                    || sc == Character.UnicodeScript.THAI || sc == Character.UnicodeScript.LAO
                    || sc == Character.UnicodeScript.KHMER || sc == Character.UnicodeScript.MYANMAR
                    || sc == Character.UnicodeScript.TIBETAN;
        });
    }

    private static void add(Set<String> tokens, String t) {
        if (t.length() >= 2 && t.codePoints().anyMatch(Character::isLetterOrDigit)) {
            tokens.add(t);
        }
    }

    /** The identifier strings this masker looks for (names split into parts). */
    public List<String> identifiers() {
        return Collections.unmodifiableList(tokens);
    }

    /** The text with identifiers, date-like text and long digit runs replaced by asterisks. */
    public String mask(String text) {
        String s = text;
        for (Pattern p : patterns) {
            s = replace(p, s);
        }
        s = replace(DATE_LIKE, s);
        return replace(LONG_NUMBER, s);
    }

    /**
     * The text with only the dataset's own identifiers replaced by asterisks (no date or number heuristics): used
     * on text the profile keeps, where a date or a long number is data, not an identifier.
     */
    public String maskIdentifiers(String text) {
        String s = text;
        for (Pattern p : patterns) {
            s = replace(p, s);
        }
        return s;
    }

    /** Whether the text contains one of the dataset's identifiers (date-like text and digit runs not counted). */
    public boolean containsIdentifier(String text) {
        for (Pattern p : patterns) {
            if (p.matcher(text).find()) {
                return true;
            }
        }
        return false;
    }

    private static String replace(Pattern p, String s) {
        Matcher m = p.matcher(s);
        if (!m.find()) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        int last = 0;
        do {
            sb.append(s, last, m.start()).append("*".repeat(m.end() - m.start()));
            last = m.end();
        } while (m.find());
        return sb.append(s.substring(last)).toString();
    }
}

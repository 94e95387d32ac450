package dev.deliberate.medical.dicom;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The DICOM data dictionary (PS3.6): keyword, name, VR and VM for each standard tag, including repeating groups
 * ({@code 50xx}, {@code 60xx}, {@code 7Fxx}, {@code 0028,04x0}), generic group lengths and private creators, plus
 * pluggable {@link PrivateDictionary private dictionaries}.
 *
 * <p>The standard part is generated data (resource {@code dictionary.tsv}, see {@code DictionaryGenerator}); it is
 * loaded once, on first use. Instances are thread-safe.
 */
public final class DataDictionary {

    private static final class Holder {
        static final DataDictionary STANDARD = load();
    }

    private final Map<Integer, DictionaryEntry> exact;
    private final List<long[]> masks; // {mask, value, index}
    private final List<DictionaryEntry> masked;
    private final Map<String, Integer> byKeyword;
    private final Map<String, PrivateDictionary> privates = new ConcurrentHashMap<>();

    private DataDictionary(Map<Integer, DictionaryEntry> exact, List<long[]> masks, List<DictionaryEntry> masked,
            Map<String, Integer> byKeyword) {
        this.exact = exact;
        this.masks = masks;
        this.masked = masked;
        this.byKeyword = byKeyword;
        for (PrivateDictionary p : ServiceLoader.load(PrivateDictionary.class, DataDictionary.class.getClassLoader())) {
            registerPrivate(p);
        }
    }

    /** The standard dictionary (with the private dictionaries found by {@link ServiceLoader}). */
    public static DataDictionary standard() {
        return Holder.STANDARD;
    }

    /** Adds or replaces the private dictionary of {@link PrivateDictionary#creator()}. */
    public void registerPrivate(PrivateDictionary dictionary) {
        privates.put(dictionary.creator().strip(), dictionary);
    }

    /** The entry of a standard tag (exact or repeating-group match; group lengths and private creators generically). */
    public Optional<DictionaryEntry> entry(int tag) {
        DictionaryEntry e = exact.get(tag);
        if (e != null) {
            return Optional.of(e);
        }
        if ((tag & 0xFFFF) == 0 && tag != 0) {
            return Optional.of(GROUP_LENGTH);
        }
        if (Tag.isPrivateCreator(tag)) {
            return Optional.of(PRIVATE_CREATOR);
        }
        if (Tag.isPrivate(tag)) {
            return Optional.empty();
        }
        for (int i = 0; i < masks.size(); i++) {
            long[] m = masks.get(i);
            if (((tag & 0xFFFFFFFFL) & m[0]) == m[1]) {
                return Optional.of(masked.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * The entry of a private attribute, given the value of its private creator element.
     *
     * @return empty when no private dictionary for that creator is registered or it does not know the attribute
     */
    public Optional<DictionaryEntry> privateEntry(String creator, int tag) {
        if (privates.isEmpty() || creator == null) {
            return Optional.empty();
        }
        PrivateDictionary p = privates.get(creator.strip());
        return p == null ? Optional.empty() : p.entry(tag >>> 16, tag & 0xFF);
    }

    /** Whether any private dictionary is registered (lets the reader skip creator lookups). */
    public boolean hasPrivateDictionaries() {
        return !privates.isEmpty();
    }

    /** The VR to use for a standard tag in implicit-VR data; empty for private or unknown tags. */
    public Optional<VR> vr(int tag) {
        return entry(tag).map(DictionaryEntry::implicitVR);
    }

    /** The keyword of a standard tag. */
    public Optional<String> keyword(int tag) {
        return entry(tag).map(DictionaryEntry::keyword);
    }

    /** The tag of a keyword (repeating-group keywords give their first group, e.g. 5000 or 6000). */
    public OptionalInt tagForKeyword(String keyword) {
        Integer t = byKeyword.get(keyword);
        return t == null ? OptionalInt.empty() : OptionalInt.of(t);
    }

    private static final DictionaryEntry GROUP_LENGTH =
            new DictionaryEntry("xxxx0000", List.of(VR.UL), "1", "GroupLength", "Group Length", true);
    private static final DictionaryEntry PRIVATE_CREATOR =
            new DictionaryEntry("xxxx00xx", List.of(VR.LO), "1", "PrivateCreator", "Private Creator", false);

    private static DataDictionary load() {
        try (InputStream in = DataDictionary.class.getResourceAsStream("dictionary.tsv")) {
            if (in == null) {
                throw new IllegalStateException("dictionary.tsv missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
            Map<Integer, DictionaryEntry> exact = new HashMap<>(8192);
            List<long[]> masks = new ArrayList<>();
            List<DictionaryEntry> masked = new ArrayList<>();
            Map<String, Integer> byKeyword = new HashMap<>(8192);
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty() || line.charAt(0) == '#') {
                    continue;
                }
                String[] f = line.split("\t", -1);
                List<VR> vrs = new ArrayList<>(2);
                if (!"NONE".equals(f[1])) {
                    for (String v : f[1].split("\\|")) {
                        VR.fromName(v).ifPresent(vrs::add);
                    }
                }
                DictionaryEntry e = new DictionaryEntry(f[0], vrs, f[2], f[3], f[5], "R".equals(f[4]));
                String p = f[0];
                if (p.indexOf('x') < 0) {
                    int tag = (int) Long.parseLong(p, 16);
                    exact.put(tag, e);
                    byKeyword.put(e.keyword(), tag);
                } else {
                    long mask = 0;
                    long value = 0;
                    for (int i = 0; i < 8; i++) {
                        char c = p.charAt(i);
                        mask <<= 4;
                        value <<= 4;
                        if (c != 'x') {
                            mask |= 0xF;
                            value |= Character.digit(c, 16);
                        }
                    }
                    masks.add(new long[] {mask, value});
                    masked.add(e);
                    byKeyword.putIfAbsent(e.keyword(), (int) Long.parseLong(p.replace('x', '0'), 16));
                }
            }
            return new DataDictionary(exact, masks, masked, byKeyword);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dictionary.tsv", e);
        }
    }
}

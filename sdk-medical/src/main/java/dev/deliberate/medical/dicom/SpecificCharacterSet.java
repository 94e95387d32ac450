package dev.deliberate.medical.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The character repertoires named by Specific Character Set (0008,0005), with decoding and encoding of text values
 * (PS3.3 C.12.1.1.2, PS3.5 section 6.1), including ISO 2022 code extensions with escape sequences.
 *
 * <p>Supported: the default repertoire, ISO_IR 100/101/109/110/126/127/138/144/148/166/203/13 and their ISO 2022
 * forms, ISO 2022 IR 87 and IR 159 (Japanese kanji), ISO 2022 IR 149 (Korean), ISO 2022 IR 58 (simplified Chinese),
 * ISO_IR 192 (UTF-8), GB18030 and GBK. Like pydicom, bytes above 0x7F in the default repertoire are read as
 * ISO 8859-1 rather than rejected, and unknown terms fall back to the default. Instances are immutable and shared.
 */
public final class SpecificCharacterSet {

    /** The default repertoire (ISO_IR 6). */
    public static final SpecificCharacterSet DEFAULT = new SpecificCharacterSet(List.of());

    private static final Map<List<String>, SpecificCharacterSet> CACHE = new ConcurrentHashMap<>();
    /** Single terms exactly as read, to their set: a shortcut past {@link #normalised}. */
    private static final Map<String, SpecificCharacterSet> BY_SINGLE_TERM = new ConcurrentHashMap<>();

    /** A coded character set that may be designated into G0 or G1. */
    private enum Code {
        ASCII("ISO 2022 IR 6", "\u001b(B", true, false, StandardCharsets.US_ASCII),
        JIS_ROMAN("ISO 2022 IR 13", "\u001b(J", true, false, Charset.forName("JIS_X0201")),
        JIS_KATAKANA("ISO 2022 IR 13", "\u001b)I", false, false, Charset.forName("JIS_X0201")),
        LATIN1("ISO 2022 IR 100", "\u001b-A", false, false, StandardCharsets.ISO_8859_1),
        LATIN2("ISO 2022 IR 101", "\u001b-B", false, false, Charset.forName("ISO-8859-2")),
        LATIN3("ISO 2022 IR 109", "\u001b-C", false, false, Charset.forName("ISO-8859-3")),
        LATIN4("ISO 2022 IR 110", "\u001b-D", false, false, Charset.forName("ISO-8859-4")),
        CYRILLIC("ISO 2022 IR 144", "\u001b-L", false, false, Charset.forName("ISO-8859-5")),
        ARABIC("ISO 2022 IR 127", "\u001b-G", false, false, Charset.forName("ISO-8859-6")),
        GREEK("ISO 2022 IR 126", "\u001b-F", false, false, Charset.forName("ISO-8859-7")),
        HEBREW("ISO 2022 IR 138", "\u001b-H", false, false, Charset.forName("ISO-8859-8")),
        LATIN5("ISO 2022 IR 148", "\u001b-M", false, false, Charset.forName("ISO-8859-9")),
        LATIN9("ISO 2022 IR 203", "\u001b-b", false, false, Charset.forName("ISO-8859-15")),
        THAI("ISO 2022 IR 166", "\u001b-T", false, false, Charset.forName("x-iso-8859-11")),
        JIS_X0208("ISO 2022 IR 87", "\u001b$B", true, true, Charset.forName("EUC-JP")),
        JIS_X0212("ISO 2022 IR 159", "\u001b$(D", true, true, Charset.forName("EUC-JP")),
        KS_X1001("ISO 2022 IR 149", "\u001b$)C", false, true, Charset.forName("EUC-KR")),
        GB2312("ISO 2022 IR 58", "\u001b$)A", false, true, Charset.forName("GB2312"));

        final String term;
        final byte[] escape;
        final boolean g0;
        final boolean multiByte;
        final Charset charset;

        Code(String term, String escape, boolean g0, boolean multiByte, Charset charset) {
            this.term = term;
            this.escape = escape.getBytes(StandardCharsets.US_ASCII);
            this.g0 = g0;
            this.multiByte = multiByte;
            this.charset = charset;
        }
    }

    private final List<String> terms;
    /** Set for the non-ISO-2022 single charsets (and UTF-8, GB18030, GBK): decode in one go. */
    private final Charset single;
    private final boolean iso2022;
    private final Code initialG0;
    private final Code initialG1;
    private final List<Code> codes;

    private SpecificCharacterSet(List<String> terms) {
        this.terms = List.copyOf(terms);
        String first = terms.isEmpty() ? "" : terms.get(0);
        boolean ext = terms.size() > 1 || first.startsWith("ISO 2022");
        List<Code> cs = new ArrayList<>();
        Charset s = null;
        Code g0 = Code.ASCII;
        Code g1 = null;
        for (int i = 0; i < terms.size(); i++) {
            String t = terms.get(i).strip();
            String iso = t.startsWith("ISO_IR ") ? "ISO 2022 IR " + t.substring(7) : t;
            if (i == 0) {
                switch (t) {
                    case "ISO_IR 192": s = StandardCharsets.UTF_8; break;
                    case "GB18030": s = Charset.forName("GB18030"); break;
                    case "GBK": s = Charset.forName("GBK"); break;
                    case "ISO_IR 13": s = Charset.forName("Shift_JIS"); break;
                    default: break;
                }
            }
            for (Code c : Code.values()) {
                if (c.term.equals(iso)) {
                    cs.add(c);
                    if (i == 0) {
                        if (c.g0) {
                            g0 = c;
                        } else {
                            g1 = c;
                        }
                    }
                }
            }
        }
        if (!ext && s == null) {
            s = g1 == null ? StandardCharsets.ISO_8859_1 : g1.charset;
            if (g1 == Code.JIS_KATAKANA) {
                s = Charset.forName("Shift_JIS");
            }
        }
        if (ext && (s != null)) {
            ext = false; // UTF-8, GB18030 and GBK do not allow code extensions
        }
        if (!cs.contains(Code.ASCII)) {
            cs.add(0, Code.ASCII);
        }
        this.single = ext ? null : s;
        this.iso2022 = ext;
        this.initialG0 = g0 == Code.JIS_ROMAN ? Code.JIS_ROMAN : Code.ASCII;
        this.initialG1 = g1;
        this.codes = List.copyOf(cs);
    }

    /**
     * The character set for the values of Specific Character Set (0008,0005).
     *
     * @param terms the values, e.g. {@code ["", "ISO 2022 IR 87"]} or {@code ["ISO_IR 192"]}; empty for the default
     */
    public static SpecificCharacterSet of(List<String> terms) {
        if (terms.size() == 1) { // nearly every dataset: one term, spelled as before; no normalising per read
            SpecificCharacterSet seen = BY_SINGLE_TERM.get(Objects.requireNonNull(terms.get(0), "term"));
            if (seen != null) {
                return seen;
            }
        }
        SpecificCharacterSet set = normalised(terms);
        if (terms.size() == 1 && BY_SINGLE_TERM.size() < 64) { // bounded: the terms come from the data
            BY_SINGLE_TERM.putIfAbsent(terms.get(0), set);
        }
        return set;
    }

    private static SpecificCharacterSet normalised(List<String> terms) {
        List<String> key = new ArrayList<>(terms.size());
        for (String t : terms) {
            key.add(Objects.requireNonNull(t, "term").strip().toUpperCase(Locale.ROOT));
        }
        while (key.size() == 1 && key.get(0).isEmpty()) {
            key.clear();
        }
        if (key.isEmpty() || key.equals(List.of("ISO_IR 6"))) {
            return DEFAULT;
        }
        return CACHE.computeIfAbsent(List.copyOf(key), SpecificCharacterSet::new);
    }

    /** The values this set was made from. */
    public List<String> terms() {
        return terms;
    }

    /** Whether text is plain ASCII-compatible single-byte (the default repertoire or ISO 8859-1). */
    public boolean isDefault() {
        return this == DEFAULT;
    }

    /**
     * Decodes text bytes.
     *
     * @param personName whether the value is a PN, where '^' and '=' also end an ISO 2022 designation
     */
    public String decode(byte[] b, int off, int len, boolean personName) {
        if (!iso2022) {
            return new String(b, off, len, single);
        }
        StringBuilder out = new StringBuilder(len);
        Code g0 = initialG0;
        Code g1 = initialG1;
        int end = off + len;
        int i = off;
        byte[] pair = new byte[3];
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c == 0x1B) {
                Code found = null;
                for (Code code : Code.values()) {
                    byte[] e = code.escape;
                    if (i + e.length <= end && Arrays.equals(b, i, i + e.length, e, 0, e.length)) {
                        found = code;
                        break;
                    }
                }
                if (found == null) {
                    out.append('\u001b');
                    i++;
                    continue;
                }
                if (found.g0) {
                    g0 = found;
                } else {
                    g1 = found;
                }
                i += found.escape.length;
                continue;
            }
            if (c < 0x80) {
                if (g0.multiByte && c > 0x20 && i + 1 < end && (b[i + 1] & 0xFF) > 0x20
                        && (b[i + 1] & 0xFF) < 0x80) {
                    int n = 0;
                    if (g0 == Code.JIS_X0212) {
                        pair[n++] = (byte) 0x8F;
                    }
                    pair[n++] = (byte) (c | 0x80);
                    pair[n++] = (byte) (b[i + 1] | 0x80);
                    out.append(new String(pair, 0, n, g0.charset));
                    i += 2;
                    continue;
                }
                // JIS X 0201 Romaji puts a Yen sign at 0x5C, but DICOM uses that byte as the value delimiter, and
                // pydicom and DCMTK read it as a backslash; so do we (and 0x7E as a tilde)
                out.append((char) c);
                if (c == '\\' || c == '\r' || c == '\n' || c == '\t' || c == '\f'
                        || (personName && (c == '^' || c == '='))) {
                    g0 = initialG0;
                    g1 = initialG1;
                }
                i++;
                continue;
            }
            if (g1 == null) {
                out.append((char) c);
                i++;
            } else if (g1.multiByte) {
                if (i + 1 < end) {
                    out.append(new String(b, i, 2, g1.charset));
                    i += 2;
                } else {
                    out.append('\ufffd');
                    i++;
                }
            } else if (g1 == Code.JIS_KATAKANA) {
                out.append((char) (0xFF61 + c - 0xA1));
                i++;
            } else {
                out.append(new String(b, i, 1, g1.charset));
                i++;
            }
        }
        return out.toString();
    }

    /**
     * Encodes text, switching character sets with ISO 2022 escape sequences where the set allows it.
     *
     * @throws IllegalArgumentException when a character cannot be represented in this character set
     */
    public byte[] encode(String text, boolean personName) {
        if (!iso2022) {
            Charset cs = this == DEFAULT ? StandardCharsets.US_ASCII : single;
            CharsetEncoder enc = cs.newEncoder();
            if (!enc.canEncode(text)) {
                if (this == DEFAULT) {
                    throw new IllegalArgumentException("text is not ASCII; set Specific Character Set (0008,0005), "
                            + "e.g. ISO_IR 192, before adding it: " + text);
                }
                throw new IllegalArgumentException("text cannot be encoded in " + terms + ": " + text);
            }
            return text.getBytes(cs);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 8);
        Code g0 = initialG0;
        Code g1 = initialG1;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            boolean delimiter = ch == '\\' || ch == '\r' || ch == '\n' || ch == '\t' || ch == '\f'
                    || (personName && (ch == '^' || ch == '='));
            if (ch < 0x80 && (g0 == Code.ASCII || g0 == Code.JIS_ROMAN)) {
                if (delimiter) {
                    g1 = initialG1;
                }
                out.write(ch);
                continue;
            }
            if (ch < 0x80) {
                // back to the initial G0 before ASCII, and before any delimiter as PS3.5 6.1.2.5.3 requires
                g0 = initialG0;
                out.writeBytes(g0.escape);
                if (delimiter) {
                    g1 = initialG1;
                }
                out.write(ch);
                continue;
            }
            String s = String.valueOf(ch);
            Code use = null;
            for (Code c : codes) {
                if (c == Code.ASCII || c == Code.JIS_ROMAN) {
                    continue;
                }
                if (c.charset.newEncoder().canEncode(s)) {
                    byte[] e = s.getBytes(c.charset);
                    if (c == Code.JIS_X0212 ? e.length == 3 && (e[0] & 0xFF) == 0x8F
                            : c == Code.JIS_X0208 ? e.length == 2 && (e[0] & 0xFF) != 0x8E && (e[0] & 0xFF) != 0x8F
                            : c == Code.JIS_KATAKANA ? ch >= 0xFF61 && ch <= 0xFF9F
                            : true) {
                        use = c;
                        break;
                    }
                }
            }
            if (use == null) {
                throw new IllegalArgumentException("character U+" + Integer.toHexString(ch)
                        + " cannot be encoded in " + terms);
            }
            if (use.g0) {
                if (g0 != use) {
                    out.writeBytes(use.escape);
                    g0 = use;
                }
                byte[] e = s.getBytes(use.charset);
                for (int k = use == Code.JIS_X0212 ? 1 : 0; k < e.length; k++) {
                    out.write(e[k] & 0x7F);
                }
            } else {
                if (g1 != use || (use != initialG1 && g1 == null)) {
                    out.writeBytes(use.escape);
                    g1 = use;
                }
                if (use == Code.JIS_KATAKANA) {
                    out.write(ch - 0xFF61 + 0xA1);
                } else {
                    out.writeBytes(s.getBytes(use.charset));
                }
            }
        }
        if (g0 != initialG0) {
            out.writeBytes(initialG0.escape);
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return "SpecificCharacterSet" + terms;
    }
}

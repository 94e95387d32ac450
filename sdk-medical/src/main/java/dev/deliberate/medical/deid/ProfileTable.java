package dev.deliberate.medical.deid;

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

/**
 * The generated PS3.15 Table E.1-1 ({@code basic-profile.tsv}), indexed by tag. Repeating-group rows ({@code 50xxxxxx},
 * {@code 60xx3000}) are matched by mask; the private-attribute row is not kept here (the deidentifier handles odd
 * groups itself).
 */
final class ProfileTable {

    /** One row: the Basic Profile action (e.g. {@code X/Z/D}) and the option columns ('K', 'C' or 0). */
    record Rule(int tag, String basic, char[] options, String name) {
        char option(DeidentificationOption o) {
            return o.column() < 0 ? 0 : options[o.column()];
        }
    }

    private record Masked(int mask, int value, Rule rule) {}

    private static final int OPTION_COLUMNS = 10;
    private static final ProfileTable STANDARD = load();

    private final Map<Integer, Rule> exact;
    private final List<Masked> masked;
    private final String source;

    private ProfileTable(Map<Integer, Rule> exact, List<Masked> masked, String source) {
        this.exact = exact;
        this.masked = masked;
        this.source = source;
    }

    static ProfileTable standard() {
        return STANDARD;
    }

    /** The header line naming where the table came from. */
    String source() {
        return source;
    }

    /** The rule for a standard (even-group) tag. */
    Optional<Rule> rule(int tag) {
        Rule r = exact.get(tag);
        if (r != null) {
            return Optional.of(r);
        }
        for (Masked m : masked) {
            if ((tag & m.mask) == m.value) {
                return Optional.of(m.rule);
            }
        }
        return Optional.empty();
    }

    int size() {
        return exact.size() + masked.size();
    }

    private static ProfileTable load() {
        Map<Integer, Rule> exact = new HashMap<>();
        List<Masked> masked = new ArrayList<>();
        String source = "";
        try (InputStream in = ProfileTable.class.getResourceAsStream("basic-profile.tsv")) {
            if (in == null) {
                throw new IllegalStateException("basic-profile.tsv missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#")) {
                    if (source.isEmpty()) {
                        source = line.substring(1).strip();
                    }
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != OPTION_COLUMNS + 3) {
                    throw new IllegalStateException("bad profile row: " + line);
                }
                if (f[0].equals("PRIVATE")) {
                    continue;
                }
                char[] opts = new char[OPTION_COLUMNS];
                for (int i = 0; i < OPTION_COLUMNS; i++) {
                    opts[i] = f[2 + i].equals("-") ? 0 : f[2 + i].charAt(0);
                }
                String p = f[0];
                int mask = 0;
                int value = 0;
                for (int i = 0; i < 8; i++) {
                    char c = p.charAt(i);
                    mask <<= 4;
                    value <<= 4;
                    if (c != 'x') {
                        mask |= 0xF;
                        value |= Character.digit(c, 16);
                    }
                }
                Rule rule = new Rule(value, f[1], opts, f[OPTION_COLUMNS + 2]);
                if (mask == 0xFFFFFFFF) {
                    exact.put(value, rule);
                } else {
                    masked.add(new Masked(mask, value, rule));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ProfileTable(Map.copyOf(exact), List.copyOf(masked), source);
    }
}

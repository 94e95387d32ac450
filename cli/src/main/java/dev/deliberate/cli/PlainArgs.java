package dev.deliberate.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A strict reader for the plain forms of the few start-up-bound commands {@link EntryPoint} runs without picocli
 * ({@code dicom scan}, {@code dicom echo}, {@code dicom send}): {@code --flag}, {@code --name value},
 * {@code --name=value}, each at most once, and positional words, in any order. It names no picocli type.
 *
 * <p>It only ever declines: a word that starts with {@code -} or {@code @} where a value or positional is expected,
 * an unknown or repeated option, {@code --}, an empty word. Whatever it declines goes to picocli, which gives help,
 * usage errors, {@code @file} expansion and everything else. So it needs to agree with picocli only on what it
 * accepts, and the commands' tests check that it does over large sets of argument lists.
 */
public final class PlainArgs {
    private final Set<String> flags;
    private final Set<String> valued;

    /**
     * @param flags  options without a value ({@code --quiet})
     * @param valued options with one value ({@code --port})
     */
    public PlainArgs(Set<String> flags, Set<String> valued) {
        this.flags = Set.copyOf(flags);
        this.valued = Set.copyOf(valued);
    }

    /** The options and positionals, or empty when the arguments are not all in a plain form. */
    public Optional<Parsed> parse(List<String> args) {
        Set<String> seen = new HashSet<>();
        Map<String, String> values = new HashMap<>();
        List<String> positionals = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = Objects.requireNonNull(args.get(i), "argument");
            if (a.startsWith("-")) {
                int eq = a.indexOf('=');
                String name = eq < 0 ? a : a.substring(0, eq);
                if (eq < 0 && flags.contains(name)) {
                    if (!seen.add(name)) {
                        return Optional.empty();
                    }
                } else if (valued.contains(name)) {
                    String v = eq >= 0 ? a.substring(eq + 1) : ++i < args.size() ? args.get(i) : "";
                    if (!plain(v) || values.putIfAbsent(name, v) != null) {
                        return Optional.empty();
                    }
                } else {
                    return Optional.empty();
                }
            } else if (plain(a)) {
                positionals.add(a);
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(new Parsed(seen, values, positionals));
    }

    private static boolean plain(String v) {
        return !v.isEmpty() && !v.startsWith("-") && !v.startsWith("@");
    }

    /**
     * What was given.
     *
     * @param flags       the flags present
     * @param values      option name to its value
     * @param positionals the other words, in order
     */
    public record Parsed(Set<String> flags, Map<String, String> values, List<String> positionals) {
        /** Copies. */
        public Parsed {
            flags = Set.copyOf(flags);
            values = Map.copyOf(values);
            positionals = List.copyOf(positionals);
        }

        /** Whether the flag was given. */
        public boolean flag(String name) {
            return flags.contains(name);
        }

        /** The option's value, if given. */
        public Optional<String> value(String name) {
            return Optional.ofNullable(values.get(name));
        }

        /**
         * The option's value as a plain decimal from {@code min} to {@code max}, {@code fallback} when the option is
         * absent; empty when the value is anything else (another spelling, out of range), which the caller declines.
         */
        public OptionalInt number(String name, int min, int max, int fallback) {
            String v = values.get(name);
            if (v == null) {
                return OptionalInt.of(fallback);
            }
            if (!v.matches("[1-9][0-9]{0,8}")) { // no sign, no leading zero (picocli reads 010 as octal), no hex
                return OptionalInt.empty();
            }
            int n = Integer.parseInt(v);
            return n < min || n > max ? OptionalInt.empty() : OptionalInt.of(n);
        }
    }
}

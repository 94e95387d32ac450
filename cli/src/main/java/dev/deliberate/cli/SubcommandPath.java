package dev.deliberate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Builds picocli's model for only the subcommands a command line names, not the whole tree: a short command such as
 * {@code deliberate dicom scan} then spends no start-up time reflecting on every other command (about a quarter of
 * a second cold on a 2-core machine for the whole tree against under 0.1 s for {@code scan} alone).
 *
 * <p>The convention: a command group declares its subcommands in the {@code @Command(subcommands = ...)} of its own
 * class (with its name, when it is itself a subcommand: picocli reads that from the class named in the list) and
 * everything else (name, options, description, what it does without a subcommand) on its superclass,
 * which is itself annotated with {@code @Command} and has a no-argument constructor. Picocli applies a superclass's
 * annotation to a subclass, so {@code new CommandLine(new Main())} still builds the full tree (help, usage errors,
 * tests). When the first words of the arguments name a subcommand of such a group, the group is built from its
 * superclass and only that subcommand is added, recursively. Anything else (no subcommand word, an unknown word, an
 * option before the word, {@code help}) builds the full group at that level, so usage, suggestions and errors are
 * exactly picocli's. Adding a subcommand stays a one-line change to the {@code subcommands} list.
 */
final class SubcommandPath {
    private SubcommandPath() {}

    /**
     * The command line for {@code group} (a class following the convention above) and these arguments.
     *
     * @param group  the top-level command class
     * @param args   the arguments as given
     * @param skip   top-level flags (without a value) that may come before the first subcommand word
     * @param factory creates command instances
     */
    static CommandLine build(Class<?> group, String[] args, Set<String> skip, CommandLine.IFactory factory)
            throws Exception {
        List<String> words = new ArrayList<>();
        for (String a : args) {
            if (words.isEmpty() && skip.contains(a)) {
                continue;
            }
            if (a.startsWith("-")) {
                break; // an option of a subcommand (or one we cannot tell apart from a value): stop here
            }
            words.add(a);
        }
        return build(group, words, 0, factory);
    }

    private static CommandLine build(Class<?> group, List<String> words, int depth, CommandLine.IFactory factory)
            throws Exception {
        Class<?> chosen = depth < words.size() ? chosen(group, words.get(depth)) : null;
        if (chosen == null) {
            return new CommandLine(factory.create(group), factory);
        }
        CommandLine lean = new CommandLine(factory.create(group.getSuperclass()), factory);
        lean.addSubcommand(build(chosen, words, depth + 1, factory));
        return lean;
    }

    /** The subcommand class of {@code group} named {@code word}, or null when the group cannot be built lean. */
    private static Class<?> chosen(Class<?> group, String word) {
        Command own = group.getDeclaredAnnotation(Command.class);
        Class<?> base = group.getSuperclass();
        if (own == null || own.subcommands().length == 0 || base == null
                || base.getDeclaredAnnotation(Command.class) == null) {
            return null;
        }
        for (Class<?> sub : own.subcommands()) {
            if (CommandLine.IHelpCommandInitializable2.class.isAssignableFrom(sub)) {
                continue; // a help command describes its siblings: it needs the full tree
            }
            Command c = sub.getAnnotation(Command.class);
            if (c == null) {
                continue;
            }
            if (c.name().equals(word) || List.of(c.aliases()).contains(word)) {
                return sub;
            }
        }
        return null;
    }
}

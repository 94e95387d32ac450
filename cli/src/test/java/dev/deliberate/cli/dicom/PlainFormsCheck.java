package dev.deliberate.cli.dicom;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** What the plain-form tests share: argument lists to try, and picocli's verdict on them. */
final class PlainFormsCheck {
    private PlainFormsCheck() {}

    /** Every list of {@code head} followed by up to {@code max} of these words, in every order and repetition. */
    static List<List<String>> lists(List<String> head, List<String> words, int max) {
        List<List<String>> out = new ArrayList<>();
        for (int n = 0; n <= max; n++) {
            int[] idx = new int[n];
            do {
                List<String> a = new ArrayList<>(head);
                for (int i : idx) {
                    a.add(words.get(i));
                }
                out.add(a);
            } while (next(idx, words.size()));
        }
        return out;
    }

    /** Whether picocli parses the arguments into {@code command} as a run (not a usage error, not help). */
    static boolean picocliRuns(Object command, List<String> args) {
        try {
            CommandLine.ParseResult r = new CommandLine(command).parseArgs(args.toArray(String[]::new));
            return !r.isUsageHelpRequested() && !r.isVersionHelpRequested();
        } catch (CommandLine.ParameterException e) {
            return false;
        }
    }

    private static boolean next(int[] idx, int base) {
        for (int i = idx.length - 1; i >= 0; i--) {
            if (++idx[i] < base) {
                return true;
            }
            idx[i] = 0;
        }
        return false;
    }
}

package dev.deliberate.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which cases got better or worse between two runs: results are matched by setting label and case id; a case is
 * better when its score rose or it became {@link Outcome#CORRECT}, worse when the opposite.
 *
 * @param baselineProfile the earlier run's profile
 * @param better          cases that improved
 * @param worse           cases that regressed
 * @param unchanged       how many matched cases kept their score and outcome
 * @param unmatched       results of the new run with no counterpart in the baseline
 * @param removed         results of the baseline with no counterpart in the new run
 * @param settings        per setting label found in both runs, the accuracy before and after
 */
public record Comparison(String baselineProfile, List<Change> better, List<Change> worse, int unchanged,
        int unmatched, int removed, List<SettingDelta> settings) {

    /** Copies. */
    public Comparison {
        Objects.requireNonNull(baselineProfile, "baselineProfile");
        better = List.copyOf(better);
        worse = List.copyOf(worse);
        settings = List.copyOf(settings);
    }

    /**
     * How one setting's accuracy moved, over the cases both runs have.
     *
     * @param setting        the setting label
     * @param cases          cases in both runs under this setting
     * @param accuracyBefore share of those cases correct in the baseline
     * @param accuracyAfter  share of those cases correct now
     */
    public record SettingDelta(String setting, int cases, double accuracyBefore, double accuracyAfter) {}

    /**
     * One case that changed.
     *
     * @param setting the setting label
     * @param caseId  the case id
     * @param before  the baseline's outcome
     * @param after   the new outcome
     * @param scoreBefore the baseline's score
     * @param scoreAfter  the new score
     */
    public record Change(String setting, String caseId, Outcome before, Outcome after, double scoreBefore,
            double scoreAfter) {}

    /** Compares {@code after} with {@code baseline}. */
    public static Comparison of(EvalRun baseline, EvalRun after) {
        Map<String, CaseResult> old = new HashMap<>();
        for (CaseResult r : baseline.results()) {
            old.put(r.setting() + "\u0000" + r.caseId(), r);
        }
        Map<String, int[]> perSetting = new java.util.LinkedHashMap<>(); // cases, correct before, correct after
        java.util.Set<String> matched = new java.util.HashSet<>();
        List<Change> better = new ArrayList<>();
        List<Change> worse = new ArrayList<>();
        int same = 0;
        int unmatched = 0;
        for (CaseResult r : after.results()) {
            CaseResult b = old.get(r.setting() + "\u0000" + r.caseId());
            if (b == null) {
                unmatched++;
                continue;
            }
            matched.add(r.setting() + "\u0000" + r.caseId());
            int[] n = perSetting.computeIfAbsent(r.setting(), k -> new int[3]);
            n[0]++;
            n[1] += b.correct() ? 1 : 0;
            n[2] += r.correct() ? 1 : 0;
            Change c = new Change(r.setting(), r.caseId(), b.outcome(), r.outcome(), b.score(), r.score());
            boolean nowCorrect = r.outcome() == Outcome.CORRECT && b.outcome() != Outcome.CORRECT;
            boolean noLongerCorrect = b.outcome() == Outcome.CORRECT && r.outcome() != Outcome.CORRECT;
            if (nowCorrect || (!noLongerCorrect && r.score() > b.score() + 1e-9)) {
                better.add(c);
            } else if (noLongerCorrect || r.score() < b.score() - 1e-9) {
                worse.add(c);
            } else {
                same++;
            }
        }
        int removed = (int) old.keySet().stream().filter(k -> !matched.contains(k)).count();
        List<SettingDelta> deltas = new ArrayList<>();
        perSetting.forEach((label, n) -> deltas.add(new SettingDelta(label, n[0], (double) n[1] / n[0],
                (double) n[2] / n[0])));
        return new Comparison(baseline.profile(), better, worse, same, unmatched, removed, deltas);
    }
}

package dev.deliberate.eval;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The figures of one setting over all cases.
 *
 * @param setting          the setting
 * @param cases            how many cases ran
 * @param accuracy         share of cases {@link Outcome#CORRECT}
 * @param meanScore        mean case score (partial credit per field)
 * @param validity         share of cases with a valid answer
 * @param outcomes         how many cases ended each way
 * @param fieldAccuracy    per scored field: mean score over the cases that expect the field
 * @param latencyP50Millis median latency
 * @param latencyP90Millis 90th percentile latency
 * @param latencyMaxMillis slowest case
 * @param meanThinkingTokens mean thinking tokens
 * @param meanAnswerTokens mean answer tokens
 * @param escalations      cases whose answer the safety rules flag
 * @param council          for a council setting (or a cascade with a council step): agreement against correctness
 * @param cascade          for a cascade setting: the paths it took
 */
public record SettingSummary(SettingInfo setting, int cases, double accuracy, double meanScore, double validity,
        Map<Outcome, Integer> outcomes, Map<String, Double> fieldAccuracy, long latencyP50Millis,
        long latencyP90Millis, long latencyMaxMillis, double meanThinkingTokens, double meanAnswerTokens,
        int escalations, Optional<DisagreementWarning> council, Optional<CascadePaths> cascade) {

    /** Validates and copies. */
    public SettingSummary {
        Objects.requireNonNull(setting, "setting");
        outcomes = java.util.Collections.unmodifiableMap(new EnumMap<>(outcomes.isEmpty()
                ? new EnumMap<>(Outcome.class) : outcomes));
        fieldAccuracy = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fieldAccuracy));
        Objects.requireNonNull(council, "council");
        Objects.requireNonNull(cascade, "cascade");
    }

    /** The summary of {@code results} (all of one setting). */
    static SettingSummary of(SettingInfo setting, List<String> fields, List<CaseResult> results) {
        int n = results.size();
        EnumMap<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, 0);
        }
        results.forEach(r -> outcomes.merge(r.outcome(), 1, Integer::sum));
        Map<String, Double> perField = new LinkedHashMap<>();
        for (String f : fields) {
            // a case that expects the field but gave no valid answer scores 0 for it
            double[] scores = results.stream()
                    .filter(r -> r.fieldScores().containsKey(f) || !r.valid())
                    .mapToDouble(r -> r.fieldScores().getOrDefault(f, 0.0)).toArray();
            if (scores.length > 0) {
                perField.put(f, Arrays.stream(scores).average().orElse(0));
            }
        }
        long[] latency = results.stream().mapToLong(CaseResult::latencyMillis).sorted().toArray();
        return new SettingSummary(setting, n,
                n == 0 ? 0 : (double) outcomes.get(Outcome.CORRECT) / n,
                results.stream().mapToDouble(CaseResult::score).average().orElse(0),
                n == 0 ? 0 : results.stream().filter(CaseResult::valid).count() / (double) n,
                outcomes, perField, percentile(latency, 0.5), percentile(latency, 0.9),
                latency.length == 0 ? 0 : latency[latency.length - 1],
                results.stream().mapToInt(CaseResult::thinkingTokens).average().orElse(0),
                results.stream().mapToInt(CaseResult::answerTokens).average().orElse(0),
                (int) results.stream().filter(r -> !r.escalations().isEmpty()).count(),
                DisagreementWarning.of(results), CascadePaths.of(results));
    }

    /** Nearest-rank percentile of sorted values; 0 when there are none. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}

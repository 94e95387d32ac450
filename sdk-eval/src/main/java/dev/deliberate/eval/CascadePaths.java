package dev.deliberate.eval;

import dev.deliberate.core.cascade.StepResult;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The paths a cascade took over all cases: which step answered how often (and how often rightly), how often each
 * step escalated and why.
 *
 * @param answeredBy   per step name, the cases whose answer that step gave and the cascade accepted; cases no step
 *                     resolved count under {@code "unresolved"}; in step order
 * @param correctBy    per key of {@code answeredBy}, how many of those answers were right
 * @param escalatedAt  per step name, how often the step escalated or failed
 * @param reasons      per reason text, how often a step escalated, failed or was skipped for it, most frequent first
 */
public record CascadePaths(Map<String, Integer> answeredBy, Map<String, Integer> correctBy,
        Map<String, Integer> escalatedAt, Map<String, Integer> reasons) {

    /** Key of {@link #answeredBy} for cases that no step resolved. */
    public static final String UNRESOLVED = "unresolved";

    /** Copies, keeping the order. */
    public CascadePaths {
        answeredBy = Collections.unmodifiableMap(new LinkedHashMap<>(answeredBy));
        correctBy = Collections.unmodifiableMap(new LinkedHashMap<>(correctBy));
        escalatedAt = Collections.unmodifiableMap(new LinkedHashMap<>(escalatedAt));
        reasons = Collections.unmodifiableMap(new LinkedHashMap<>(reasons));
    }

    /** The paths over {@code results}; empty when none of them has a cascade path. */
    public static Optional<CascadePaths> of(List<CaseResult> results) {
        if (results.stream().noneMatch(r -> r.cascade().isPresent())) {
            return Optional.empty();
        }
        Map<String, Integer> answered = new LinkedHashMap<>();
        Map<String, Integer> escalated = new LinkedHashMap<>();
        Map<String, Integer> reasons = new LinkedHashMap<>();
        for (CaseResult r : results) {
            r.cascade().ifPresent(t -> t.steps().forEach(s -> {
                answered.putIfAbsent(s.name(), 0); // step order from the first path that lists the step
                escalated.putIfAbsent(s.name(), 0);
            }));
        }
        answered.put(UNRESOLVED, 0);
        Map<String, Integer> correct = new LinkedHashMap<>();
        answered.keySet().forEach(k -> correct.put(k, 0));
        for (CaseResult r : results) {
            if (r.cascade().isEmpty()) {
                continue;
            }
            CascadeTrace t = r.cascade().get();
            String by = t.answeredBy();
            answered.merge(by, 1, Integer::sum);
            if (r.correct()) {
                correct.merge(by, 1, Integer::sum);
            }
            for (CascadeTrace.Step s : t.steps()) {
                if (s.status() == StepResult.Status.ESCALATED || s.status() == StepResult.Status.FAILED) {
                    escalated.merge(s.name(), 1, Integer::sum);
                }
                if (s.status() != StepResult.Status.ACCEPTED) {
                    s.reason().ifPresent(x -> reasons.merge(x, 1, Integer::sum));
                }
            }
        }
        Map<String, Integer> sorted = new LinkedHashMap<>();
        reasons.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return Optional.of(new CascadePaths(answered, correct, escalated, sorted));
    }

    /** How many cases ran through the cascade. */
    public int cases() {
        return answeredBy.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Share of the cases the step (or {@link #UNRESOLVED}) answered. */
    public double share(String step) {
        Objects.requireNonNull(step, "step");
        int n = cases();
        return n == 0 ? 0 : answeredBy.getOrDefault(step, 0) / (double) n;
    }
}

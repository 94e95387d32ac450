package dev.deliberate.core.profile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/**
 * How one answer field is compared with the expected value in an evaluation, as a score in [0, 1].
 */
public sealed interface FieldScoring permits FieldScoring.Exact, FieldScoring.Numeric, FieldScoring.SetOverlap {

    /** The score of {@code actual} (null when the answer lacks the field) against {@code expected}. */
    double score(JsonNode actual, JsonNode expected);

    /** The same JSON value (numbers compared by value: {@code 2} equals {@code 2.0}): 1, else 0. */
    record Exact() implements FieldScoring {
        @Override
        public double score(JsonNode actual, JsonNode expected) {
            if (actual == null) {
                return 0;
            }
            if (actual.isNumber() && expected.isNumber()) {
                return actual.decimalValue().compareTo(expected.decimalValue()) == 0 ? 1 : 0;
            }
            return actual.equals(expected) ? 1 : 0;
        }
    }

    /**
     * A number within {@code tolerance} of the expected one: 1, else 0.
     *
     * @param tolerance the largest absolute difference still counted right; at least 0
     */
    record Numeric(double tolerance) implements FieldScoring {
        /** Validates. */
        public Numeric {
            if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
                throw new IllegalArgumentException("tolerance must be a finite number >= 0, got " + tolerance);
            }
        }

        @Override
        public double score(JsonNode actual, JsonNode expected) {
            if (actual == null || !actual.isNumber() || !expected.isNumber()) {
                return 0;
            }
            return Math.abs(actual.doubleValue() - expected.doubleValue()) <= tolerance ? 1 : 0;
        }
    }

    /**
     * Arrays compared as sets: |actual ∩ expected| / |actual ∪ expected| (Jaccard), so a missing item and an extra
     * item both cost; two empty arrays score 1.
     */
    record SetOverlap() implements FieldScoring {
        @Override
        public double score(JsonNode actual, JsonNode expected) {
            if (actual == null || !actual.isArray() || !expected.isArray()) {
                return 0;
            }
            Set<JsonNode> a = new HashSet<>();
            actual.forEach(a::add);
            Set<JsonNode> e = new HashSet<>();
            expected.forEach(e::add);
            if (a.isEmpty() && e.isEmpty()) {
                return 1;
            }
            Set<JsonNode> union = new HashSet<>(a);
            union.addAll(e);
            a.retainAll(e);
            return (double) a.size() / union.size();
        }
    }
}

package dev.deliberate.core.council;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How far a set of answers agree, and what they agree on. Pure and deterministic: the same answers give the same
 * figures, so it can be tested and re-computed from an audit trail.
 *
 * <h2>Rules for schema (JSON) answers</h2>
 * <ul>
 *   <li><b>Objects</b> are compared field by field, recursively; a field is named by its JSON Pointer
 *       ({@code /findings/severity}). An object's agreement is the mean of its fields' agreements (free-text fields
 *       excluded while any other field exists), so each top-level field weighs the same however deep it is.</li>
 *   <li><b>Missing fields</b>: an answer that lacks a field (or whose parent object is missing) counts as one more
 *       distinct value, "absent": it agrees with nobody who gave a value.</li>
 *   <li><b>Categorical</b> (booleans, strings with {@code enum}/{@code const}, strings where no schema says
 *       otherwise, null, values of mixed types, arrays of objects): agreement is the share of answers holding the most
 *       common value.</li>
 *   <li><b>Numeric</b> (every present value a number): {@code answered/answers * max(0, 1 - spread / scale)} where
 *       spread is max minus min and scale is the schema's {@code maximum - minimum} when both are declared, else the
 *       largest magnitude among the values (so 10 and 12 agree 0.83, 0 and 1 agree 0). All equal: 1.</li>
 *   <li><b>Arrays of scalars</b> are sets (order and repeats ignored): agreement is the mean Jaccard similarity over
 *       all pairs of answers (a missing array counts as empty; two empty sets agree).</li>
 *   <li><b>Free text</b> (a string field whose schema has no {@code enum} or {@code const}): exact-match share,
 *       reported as {@link FieldAgreement.Kind#TEXT} but left out of the overall agreement, since two good
 *       rationales are rarely the same words.</li>
 *   <li>The <b>overall agreement</b> is the root's agreement, in [0, 1].</li>
 * </ul>
 *
 * <h2>Consensus</h2>
 * Each answer has a weight (1 each for {@link ConsensusRule#MAJORITY}). Per field: categorical, the value holding a
 * strict majority of the weight; numeric, the weighted median of the present values; sets, the items held by a strict
 * majority of the weight; free text, the majority value or else the text of the heaviest answer. A field whose
 * majority is "absent" is left out. When some categorical or numeric field has no strict majority, there is no
 * consensus ({@link #consensus()} is empty).
 *
 * <h2>Free-text answers</h2>
 * {@link #ofText} compares whole answers after trimming, lower-casing and collapsing white space; the caller may
 * prefer the review agreement (see {@link CouncilResult#reviewAgreement()}), which the council uses for text answers
 * when reviews exist.
 *
 * @param agreement overall agreement in [0, 1]
 * @param fields    per-field agreement, leaves only, in schema then first-seen order
 * @param consensus the consensus answer, when there is one
 */
public record Aggregation(double agreement, List<FieldAgreement> fields, Optional<JsonNode> consensus) {

    private static final String ABSENT = "\u0000absent";

    /** Validates. */
    public Aggregation {
        if (!(agreement >= 0 && agreement <= 1)) {
            throw new IllegalArgumentException("agreement must be in [0, 1], got " + agreement);
        }
        fields = List.copyOf(fields);
        Objects.requireNonNull(consensus, "consensus");
        consensus = consensus.map(JsonNode::deepCopy);
    }

    @Override
    public Optional<JsonNode> consensus() {
        return consensus.map(JsonNode::deepCopy);
    }

    /** As {@link #of(List, List, Optional)} with equal weights. */
    public static Aggregation of(List<JsonNode> answers, Optional<JsonNode> schema) {
        return of(answers, Collections.nCopies(answers.size(), 1.0), schema);
    }

    /**
     * Measures JSON answers.
     *
     * @param answers the valid answers, at least one
     * @param weights one positive weight per answer
     * @param schema  the answers' JSON Schema, used for ranges, enums and field order (may be empty)
     */
    public static Aggregation of(List<JsonNode> answers, List<Double> weights, Optional<JsonNode> schema) {
        check(answers.size(), weights);
        List<Optional<JsonNode>> values = new ArrayList<>();
        answers.forEach(a -> values.add(Optional.of(Objects.requireNonNull(a, "answer"))));
        List<FieldAgreement> out = new ArrayList<>();
        Node root = measure("", values, weights, schema.orElse(JsonNodeFactory.instance.objectNode()), out);
        Optional<JsonNode> consensus = root.noMajority ? Optional.empty() : Optional.ofNullable(root.consensus);
        return new Aggregation(clamp(root.agreement), out, consensus);
    }

    /** Measures free-text answers: exact-match share after normalisation; consensus the majority text. */
    public static Aggregation ofText(List<String> answers, List<Double> weights) {
        check(answers.size(), weights);
        List<Optional<JsonNode>> values = new ArrayList<>();
        answers.forEach(a -> values.add(Optional.of(TextNode.valueOf(normalise(a)))));
        Map<String, Double> weightOf = new LinkedHashMap<>();
        Map<String, Integer> countOf = new HashMap<>();
        Map<String, String> original = new HashMap<>();
        for (int i = 0; i < answers.size(); i++) {
            String key = values.get(i).get().asText();
            weightOf.merge(key, weights.get(i), Double::sum);
            countOf.merge(key, 1, Integer::sum);
            original.putIfAbsent(key, answers.get(i));
        }
        int top = Collections.max(countOf.values());
        double agreement = (double) top / answers.size();
        double total = weights.stream().mapToDouble(Double::doubleValue).sum();
        Optional<JsonNode> consensus = weightOf.entrySet().stream().filter(e -> e.getValue() > total / 2)
                .findFirst().map(e -> TextNode.valueOf(original.get(e.getKey())));
        return new Aggregation(clamp(agreement), List.of(new FieldAgreement("", FieldAgreement.Kind.TEXT,
                clamp(agreement), answers.size(), answers.size())), consensus);
    }

    private static void check(int n, List<Double> weights) {
        if (n == 0) {
            throw new IllegalArgumentException("aggregation needs at least one answer");
        }
        if (weights.size() != n) {
            throw new IllegalArgumentException("one weight per answer: " + n + " answers, " + weights.size()
                    + " weights");
        }
        for (double w : weights) {
            if (!(w > 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weights must be positive and finite, got " + w);
            }
        }
    }

    static String normalise(String text) {
        return text.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    }

    private static double clamp(double v) {
        return Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
    }

    /** One measured node: its agreement, its consensus (null = absent) and whether a majority was missing. */
    private record Node(double agreement, JsonNode consensus, boolean noMajority, boolean text) { }

    private static Node measure(String path, List<Optional<JsonNode>> values, List<Double> weights, JsonNode schema,
            List<FieldAgreement> out) {
        int n = values.size();
        List<JsonNode> present = new ArrayList<>();
        for (Optional<JsonNode> v : values) {
            v.ifPresent(present::add);
        }
        if (!present.isEmpty() && present.stream().allMatch(JsonNode::isObject)) {
            return object(path, values, weights, schema, out);
        }
        if (!present.isEmpty() && present.stream().allMatch(JsonNode::isNumber)) {
            return numeric(path, values, weights, schema, present.size(), out);
        }
        if (!present.isEmpty() && present.stream().allMatch(Aggregation::isScalarArray)) {
            return set(path, values, weights, present.size(), out);
        }
        boolean text = !present.isEmpty() && present.stream().allMatch(JsonNode::isTextual) && isFreeText(schema);
        return categorical(path, values, weights, present.size(), text, out, n);
    }

    private static boolean isScalarArray(JsonNode node) {
        if (!node.isArray()) {
            return false;
        }
        for (JsonNode item : node) {
            if (item.isContainerNode()) {
                return false;
            }
        }
        return true;
    }

    private static boolean isFreeText(JsonNode schema) {
        return schema.isObject() && "string".equals(schema.path("type").asText())
                && !schema.has("enum") && !schema.has("const");
    }

    private static Node object(String path, List<Optional<JsonNode>> values, List<Double> weights, JsonNode schema,
            List<FieldAgreement> out) {
        Set<String> keys = new LinkedHashSet<>();
        schema.path("properties").fieldNames().forEachRemaining(keys::add);
        Set<String> seen = new HashSet<>();
        for (Optional<JsonNode> v : values) {
            v.ifPresent(o -> o.fieldNames().forEachRemaining(seen::add));
        }
        keys.retainAll(seen);
        seen.stream().sorted().forEach(keys::add);
        ObjectNode consensus = JsonNodeFactory.instance.objectNode();
        boolean noMajority = false;
        double sum = 0;
        int counted = 0;
        double textSum = 0;
        int textCount = 0;
        for (String key : keys) {
            List<Optional<JsonNode>> child = new ArrayList<>();
            for (Optional<JsonNode> v : values) {
                child.add(v.map(o -> o.get(key)));
            }
            Node c = measure(path + "/" + escape(key), child, weights, schema.path("properties").path(key), out);
            if (c.text) {
                textSum += c.agreement;
                textCount++;
            } else {
                sum += c.agreement;
                counted++;
            }
            noMajority |= c.noMajority;
            if (c.consensus != null) {
                consensus.set(key, c.consensus);
            }
        }
        double agreement = counted > 0 ? sum / counted : textCount > 0 ? textSum / textCount : 1.0;
        // the object itself missing from some answers: the absent majority decides
        double total = total(weights);
        double presentWeight = 0;
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).isPresent()) {
                presentWeight += weights.get(i);
            }
        }
        JsonNode c = presentWeight > total / 2 ? consensus : null;
        if (presentWeight <= total / 2 && presentWeight * 2 == total) {
            noMajority = true;
        }
        return new Node(agreement, c, noMajority, counted == 0 && textCount > 0);
    }

    private static Node numeric(String path, List<Optional<JsonNode>> values, List<Double> weights, JsonNode schema,
            int answered, List<FieldAgreement> out) {
        int n = values.size();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double magnitude = 0;
        List<double[]> weighted = new ArrayList<>();
        double presentWeight = 0;
        for (int i = 0; i < n; i++) {
            if (values.get(i).isPresent()) {
                double v = values.get(i).get().asDouble();
                min = Math.min(min, v);
                max = Math.max(max, v);
                magnitude = Math.max(magnitude, Math.abs(v));
                weighted.add(new double[] {v, weights.get(i), i});
                presentWeight += weights.get(i);
            }
        }
        double scale = magnitude;
        JsonNode lo = schema.has("minimum") ? schema.get("minimum") : schema.get("exclusiveMinimum");
        JsonNode hi = schema.has("maximum") ? schema.get("maximum") : schema.get("exclusiveMaximum");
        if (lo != null && hi != null && lo.isNumber() && hi.isNumber() && hi.asDouble() > lo.asDouble()) {
            scale = hi.asDouble() - lo.asDouble();
        }
        double spread = max - min;
        double closeness;
        if (min == max) {
            closeness = 1;
        } else if (!Double.isFinite(spread) || !Double.isFinite(scale) || scale == 0) {
            closeness = 0; // e.g. 1e400 (read as infinity) against 1: as far apart as it gets
        } else {
            closeness = clamp(1 - spread / scale);
        }
        double agreement = (double) answered / n * closeness;
        out.add(new FieldAgreement(path, FieldAgreement.Kind.NUMERIC, clamp(agreement), answered, n));
        double total = total(weights);
        if (presentWeight * 2 < total) {
            return new Node(agreement, null, false, false);
        }
        if (presentWeight * 2 == total) {
            return new Node(agreement, null, true, false);
        }
        weighted.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[2], b[2]));
        double acc = 0;
        JsonNode median = null;
        for (double[] w : weighted) {
            acc += w[1];
            if (acc >= presentWeight / 2) {
                median = values.get((int) w[2]).get();
                break;
            }
        }
        return new Node(agreement, median, false, false);
    }

    private static Node set(String path, List<Optional<JsonNode>> values, List<Double> weights, int answered,
            List<FieldAgreement> out) {
        int n = values.size();
        List<Set<String>> sets = new ArrayList<>();
        Map<String, JsonNode> items = new LinkedHashMap<>();
        for (Optional<JsonNode> v : values) {
            Set<String> s = new HashSet<>();
            if (v.isPresent()) {
                for (JsonNode item : v.get()) {
                    String key = item.toString();
                    s.add(key);
                    items.putIfAbsent(key, item);
                }
            }
            sets.add(s);
        }
        double agreement;
        if (n == 1) {
            agreement = 1;
        } else {
            double sum = 0;
            int pairs = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    Set<String> union = new HashSet<>(sets.get(i));
                    union.addAll(sets.get(j));
                    Set<String> inter = new HashSet<>(sets.get(i));
                    inter.retainAll(sets.get(j));
                    sum += union.isEmpty() ? 1 : (double) inter.size() / union.size();
                    pairs++;
                }
            }
            agreement = sum / pairs;
        }
        out.add(new FieldAgreement(path, FieldAgreement.Kind.SET, clamp(agreement), answered, n));
        double total = total(weights);
        double presentWeight = 0;
        for (int i = 0; i < n; i++) {
            if (values.get(i).isPresent()) {
                presentWeight += weights.get(i);
            }
        }
        if (presentWeight * 2 <= total) {
            return new Node(agreement, null, presentWeight * 2 == total, false);
        }
        ArrayNode consensus = JsonNodeFactory.instance.arrayNode();
        for (Map.Entry<String, JsonNode> item : items.entrySet()) {
            double w = 0;
            for (int i = 0; i < n; i++) {
                if (sets.get(i).contains(item.getKey())) {
                    w += weights.get(i);
                }
            }
            if (w * 2 > total) {
                consensus.add(item.getValue());
            }
        }
        return new Node(agreement, consensus, false, false);
    }

    private static Node categorical(String path, List<Optional<JsonNode>> values, List<Double> weights, int answered,
            boolean text, List<FieldAgreement> out, int n) {
        Map<String, Integer> count = new LinkedHashMap<>();
        Map<String, Double> weight = new LinkedHashMap<>();
        Map<String, JsonNode> valueOf = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Optional<JsonNode> v = values.get(i);
            String key = v.map(JsonNode::toString).orElse(ABSENT);
            count.merge(key, 1, Integer::sum);
            weight.merge(key, weights.get(i), Double::sum);
            v.ifPresent(node -> valueOf.putIfAbsent(key, node));
        }
        int top = Collections.max(count.values());
        double agreement = (double) top / n;
        out.add(new FieldAgreement(path, text ? FieldAgreement.Kind.TEXT : FieldAgreement.Kind.CATEGORICAL,
                clamp(agreement), answered, n));
        double total = total(weights);
        for (Map.Entry<String, Double> e : weight.entrySet()) {
            if (e.getValue() * 2 > total) {
                return new Node(agreement, valueOf.get(e.getKey()), false, text);
            }
        }
        if (text) {
            // free text never blocks a consensus: take the heaviest answer's text (the first among equals)
            String best = null;
            double bestWeight = -1;
            for (int i = 0; i < n; i++) {
                if (values.get(i).isPresent() && weights.get(i) > bestWeight) {
                    best = values.get(i).get().toString();
                    bestWeight = weights.get(i);
                }
            }
            return new Node(agreement, best == null ? null : valueOf.get(best), false, true);
        }
        return new Node(agreement, null, true, false);
    }

    private static double total(List<Double> weights) {
        double t = 0;
        for (double w : weights) {
            t += w;
        }
        return t;
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

}

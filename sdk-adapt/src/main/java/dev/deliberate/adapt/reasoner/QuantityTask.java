package dev.deliberate.adapt.reasoner;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * A synthetic reasoning task over a small table of quantities (single digits 1-9, written {@code "4 7 3 5"}) whose
 * answer can be checked and takes several steps to work out. The thinking trace works the steps one per line, in
 * the form a small model can learn on a CPU in minutes; the answer is one JSON object with one integer field.
 *
 * <p>The two tasks share the input and the shape of the trace, and differ in the rule, so that a model trained on
 * one is wrong on the other until it is adapted:
 * <ul>
 * <li>{@link #TOTAL} (the base model's task): the sum, by running totals, {@code 4+7=11}, {@code 11+3=14}, ...;</li>
 * <li>{@link #LARGEST} (the adaptation's task): the largest quantity, by running maxima, {@code max(4,7)=7}, ....</li>
 * </ul>
 * The trace of a table of {@code n} quantities has {@code n - 1} lines, so longer tables need more thinking tokens:
 * cut the thinking short and the long tables come out wrong first.
 */
public enum QuantityTask {

    /** The sum of the quantities: {@code {"total": 19}}. */
    TOTAL("total", "Add up.", "total"),
    /** The largest of the quantities: {@code {"largest": 7}}. */
    LARGEST("largest", "Find the largest.", "largest");

    /** Fewest quantities in a table. */
    public static final int MIN_ITEMS = 2;
    /** Most quantities in a table. */
    public static final int MAX_ITEMS = 6;

    private final String id;
    private final String systemPrompt;
    private final String answerField;

    QuantityTask(String id, String systemPrompt, String answerField) {
        this.id = id;
        this.systemPrompt = systemPrompt;
        this.answerField = answerField;
    }

    /** @return a short name, used in file and profile names */
    public String id() {
        return id;
    }

    /** @return the instruction the model gets as its system prompt */
    public String systemPrompt() {
        return systemPrompt;
    }

    /** @return the one field of the answer object */
    public String answerField() {
        return answerField;
    }

    /** @return the answer's JSON Schema: one required integer field, nothing else */
    public String answerSchema() {
        return "{\"type\":\"object\",\"required\":[\"" + answerField + "\"],\"additionalProperties\":false,"
                + "\"properties\":{\"" + answerField + "\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":99}}}";
    }

    /**
     * @param quantities the table
     * @return the user message: the quantities separated by single spaces
     */
    public static String input(List<Integer> quantities) {
        check(quantities);
        StringBuilder b = new StringBuilder();
        for (int q : quantities) {
            b.append(b.length() == 0 ? "" : " ").append(q);
        }
        return b.toString();
    }

    /**
     * The worked steps, one line each, every line ending in a newline (which is what the SDK expects before it
     * closes thinking).
     *
     * @param quantities the table
     * @return the thinking text
     */
    public String thinking(List<Integer> quantities) {
        check(quantities);
        StringBuilder b = new StringBuilder();
        int acc = quantities.get(0);
        for (int i = 1; i < quantities.size(); i++) {
            int q = quantities.get(i);
            int next = this == TOTAL ? acc + q : Math.max(acc, q);
            if (this == TOTAL) {
                b.append(acc).append('+').append(q).append('=').append(next).append('\n');
            } else {
                b.append("max(").append(acc).append(',').append(q).append(")=").append(next).append('\n');
            }
            acc = next;
        }
        return b.toString();
    }

    /**
     * @param quantities the table
     * @return the correct answer value
     */
    public int solve(List<Integer> quantities) {
        check(quantities);
        return this == TOTAL
                ? quantities.stream().mapToInt(Integer::intValue).sum()
                : quantities.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    /**
     * @param quantities the table
     * @return the correct answer object, e.g. {@code {"total":19}}
     */
    public ObjectNode answer(List<Integer> quantities) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put(answerField, solve(quantities));
        return o;
    }

    /** Parses a profile or file name back to the task. */
    public static QuantityTask ofId(String id) {
        Objects.requireNonNull(id, "id");
        for (QuantityTask t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no quantity task '" + id + "' (known: total, largest)");
    }

    private static void check(List<Integer> quantities) {
        Objects.requireNonNull(quantities, "quantities");
        if (quantities.size() < MIN_ITEMS || quantities.size() > MAX_ITEMS) {
            throw new IllegalArgumentException("a table has " + MIN_ITEMS + " to " + MAX_ITEMS + " quantities, not "
                    + quantities.size());
        }
        for (Integer q : quantities) {
            if (q == null || q < 1 || q > 9) {
                throw new IllegalArgumentException("quantities are single digits 1-9: " + quantities);
            }
        }
    }
}

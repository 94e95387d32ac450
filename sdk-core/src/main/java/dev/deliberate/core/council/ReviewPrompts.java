package dev.deliberate.core.council;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The prompts and schema of stage 2 and of the chair. Answers are labelled A, B, C... in a shuffled order so that a
 * reviewer judges the answers, not the members (it never sees the names).
 */
final class ReviewPrompts {

    /**
     * Review schemas by (answers, critique length): making an {@link AnswerFormat.Json} meta-validates the schema,
     * which costs milliseconds, and a council makes the same few schemas over and over.
     */
    private static final java.util.concurrent.ConcurrentHashMap<Long, AnswerFormat.Json> SCHEMAS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private ReviewPrompts() {}

    static String label(int i) {
        return i < 26 ? String.valueOf((char) ('A' + i)) : "A" + i;
    }

    /** The review schema: one required object per label, with {@code agrees} and a bounded {@code critique}. */
    static AnswerFormat.Json schema(int answers, int critiqueMaxChars) {
        return SCHEMAS.computeIfAbsent(((long) answers << 32) | critiqueMaxChars,
                k -> makeSchema(answers, critiqueMaxChars));
    }

    private static AnswerFormat.Json makeSchema(int answers, int critiqueMaxChars) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode schema = f.objectNode().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        ArrayNode required = schema.putArray("required");
        for (int i = 0; i < answers; i++) {
            ObjectNode one = props.putObject(label(i)).put("type", "object");
            ObjectNode p = one.putObject("properties");
            p.putObject("agrees").put("type", "boolean");
            p.putObject("critique").put("type", "string").put("maxLength", critiqueMaxChars);
            one.putArray("required").add("agrees").add("critique");
            one.put("additionalProperties", false);
            required.add(label(i));
        }
        schema.put("additionalProperties", false);
        return (AnswerFormat.Json) AnswerFormat.jsonSchema(schema);
    }

    static String question(ReasoningRequest request) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : request.messages()) {
            if (m.role() != ChatMessage.Role.SYSTEM) {
                if (sb.length() > 0) {
                    sb.append("\n");
                }
                sb.append(m.role() == ChatMessage.Role.USER ? "" : "(earlier answer) ").append(m.content());
            }
        }
        return sb.toString();
    }

    static String answerText(Reasoning r) {
        return r.answerJson().map(JsonNode::toString).orElse(r.answer().strip());
    }

    /** The request a reviewer answers: its own answer, then the others' under their labels. */
    static List<ChatMessage> reviewMessages(ReasoningRequest request, Reasoning own, List<Reasoning> others,
            int critiqueMaxChars) {
        StringBuilder sb = new StringBuilder();
        sb.append("Question:\n").append(question(request)).append("\n\nYour answer was:\n").append(answerText(own))
                .append("\n\nOther answers, anonymised and in random order:\n");
        for (int i = 0; i < others.size(); i++) {
            sb.append("\nAnswer ").append(label(i)).append(":\n").append(answerText(others.get(i))).append("\n");
        }
        sb.append("\nFor each answer say whether you agree with it (true or false) and give a critique of at most ")
                .append(critiqueMaxChars).append(" characters. Reply with JSON only.");
        return List.of(ChatMessage.system("You review other experts' answers to a question you answered yourself."
                + " Judge each answer on its merits: correctness first, then completeness."),
                ChatMessage.user(sb.toString()));
    }

    /** Reads a review answer; empty entries for labels that are missing or malformed. */
    static Map<String, Optional<JsonNode>> readReview(JsonNode answer, int answers) {
        Map<String, Optional<JsonNode>> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < answers; i++) {
            JsonNode one = answer.path(label(i));
            boolean ok = one.path("agrees").isBoolean() && one.path("critique").isTextual();
            out.put(label(i), ok ? Optional.of(one) : Optional.empty());
        }
        return out;
    }

    /** The chair's request: the original conversation, then the council's material as a last user turn. */
    static List<ChatMessage> chairMessages(ReasoningRequest request, List<Reasoning> shuffled,
            List<String> reviewLines, Aggregation aggregation) {
        List<ChatMessage> out = new ArrayList<>(request.messages());
        StringBuilder sb = new StringBuilder();
        sb.append("You chair a council of experts who answered the question above independently.\n");
        for (int i = 0; i < shuffled.size(); i++) {
            sb.append("\nAnswer ").append(label(i)).append(":\n").append(answerText(shuffled.get(i))).append("\n");
        }
        if (!reviewLines.isEmpty()) {
            sb.append("\nReviews:\n");
            reviewLines.forEach(l -> sb.append("- ").append(l).append("\n"));
        }
        sb.append(String.format(java.util.Locale.ROOT, "\nOverall agreement: %.2f.", aggregation.agreement()));
        for (FieldAgreement fa : aggregation.fields()) {
            if (fa.kind() != FieldAgreement.Kind.TEXT && !fa.path().isEmpty()) {
                sb.append(String.format(java.util.Locale.ROOT, " %s %.2f;", fa.path(), fa.agreement()));
            }
        }
        sb.append("\nWrite the single best final answer in the required format.");
        out.add(ChatMessage.user(sb.toString()));
        return out;
    }
}

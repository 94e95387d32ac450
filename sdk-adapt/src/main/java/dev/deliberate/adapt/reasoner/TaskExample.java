package dev.deliberate.adapt.reasoner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * One worked example of a {@link QuantityTask}: the table, the thinking that works it and the checked answer.
 *
 * @param id         a stable name, unique in its set, e.g. {@code total-0007}
 * @param task       the rule
 * @param quantities the table
 */
public record TaskExample(String id, QuantityTask task, List<Integer> quantities) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Validates (the task checks the table). */
    public TaskExample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(task, "task");
        quantities = List.copyOf(quantities);
        QuantityTask.input(quantities);
    }

    /** @return the user message */
    public String input() {
        return QuantityTask.input(quantities);
    }

    /** @return the thinking text (steps, each line ending in a newline) */
    public String thinking() {
        return task.thinking(quantities);
    }

    /** @return the expected answer object */
    public ObjectNode answer() {
        return task.answer(quantities);
    }

    /** @return the answer as the model writes it: compact JSON, e.g. {@code {"total":19}} */
    public String answerText() {
        try {
            return JSON.writeValueAsString(answer());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // an object of one integer always serialises
        }
    }

    /**
     * The training line: {@code {"messages":[system, user, assistant with thinking and content]}}, the chat format
     * the adaptation trainers read.
     */
    public JsonNode toChatJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode messages = root.putArray("messages");
        messages.addObject().put("role", "system").put("content", task.systemPrompt());
        messages.addObject().put("role", "user").put("content", input());
        messages.addObject().put("role", "assistant").put("thinking", thinking()).put("content", answerText());
        return root;
    }

    /** The evaluation line: {@code {"id", "input", "expected"}}, as {@code EvaluationCase.readJsonLines} reads it. */
    public JsonNode toCaseJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        root.put("input", input());
        root.set("expected", answer());
        return root;
    }
}

package dev.deliberate.adapt.reasoner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Training and held-out examples of a {@link QuantityTask}, generated from a seed: the same seed gives the same
 * examples on every machine. No held-out table appears in the training set, so held-out accuracy measures what the
 * model learnt, not what it memorised.
 *
 * <pre>{@code
 * TaskDataset data = TaskDataset.generate(QuantityTask.TOTAL, 7, 4000, 120);
 * data.writeTraining(dir.resolve("train.jsonl"));       // chat lines with thinking, for the trainer
 * data.writeProfile(dir.resolve("profile"));            // profile + held-out cases, for deliberate eval
 * }</pre>
 *
 * @param task    the rule
 * @param seed    the seed the examples came from
 * @param train   training examples
 * @param heldOut held-out examples (their tables are not in {@code train})
 */
public record TaskDataset(QuantityTask task, long seed, List<TaskExample> train, List<TaskExample> heldOut) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Most examples in one set; generation refuses more (a 2-item table has only 81 variants). */
    public static final int MAX_EXAMPLES = 200_000;

    /** Validates. */
    public TaskDataset {
        Objects.requireNonNull(task, "task");
        train = List.copyOf(train);
        heldOut = List.copyOf(heldOut);
    }

    /**
     * Generates the examples: table lengths uniform in {@value QuantityTask#MIN_ITEMS}-{@value
     * QuantityTask#MAX_ITEMS}, quantities uniform in 1-9. Held-out tables are distinct from each other and from
     * every training table; training tables may repeat.
     *
     * @param task         the rule
     * @param seed         any value
     * @param trainCount   training examples
     * @param heldOutCount held-out examples
     * @return the dataset
     */
    public static TaskDataset generate(QuantityTask task, long seed, int trainCount, int heldOutCount) {
        Objects.requireNonNull(task, "task");
        if (trainCount < 0 || heldOutCount < 0 || trainCount > MAX_EXAMPLES || heldOutCount > MAX_EXAMPLES / 10) {
            throw new IllegalArgumentException("between 0 and " + MAX_EXAMPLES + " training and " + MAX_EXAMPLES / 10
                    + " held-out examples, not " + trainCount + " and " + heldOutCount);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        SplittableRandom heldOutRnd = rnd.split();
        SplittableRandom trainRnd = rnd.split();
        Set<List<Integer>> seen = new HashSet<>();
        List<TaskExample> heldOut = new ArrayList<>();
        while (heldOut.size() < heldOutCount) {
            List<Integer> q = table(heldOutRnd);
            if (seen.add(q)) {
                heldOut.add(new TaskExample(String.format("%s-%04d", task.id(), heldOut.size() + 1), task, q));
            }
        }
        List<TaskExample> train = new ArrayList<>();
        while (train.size() < trainCount) {
            List<Integer> q = table(trainRnd);
            if (!seen.contains(q)) {
                train.add(new TaskExample(String.format("%s-train-%05d", task.id(), train.size() + 1), task, q));
            }
        }
        return new TaskDataset(task, seed, train, heldOut);
    }

    private static List<Integer> table(SplittableRandom rnd) {
        int n = rnd.nextInt(QuantityTask.MIN_ITEMS, QuantityTask.MAX_ITEMS + 1);
        List<Integer> q = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            q.add(rnd.nextInt(1, 10));
        }
        return List.copyOf(q);
    }

    /** Writes the training examples as chat JSON Lines ({@link TaskExample#toChatJson()}), atomically. */
    public void writeTraining(Path file) throws IOException {
        writeLines(file, train.stream().map(TaskExample::toChatJson).toList());
    }

    /** Writes the held-out examples as chat JSON Lines (for a trainer's evaluation loss), atomically. */
    public void writeHeldOut(Path file) throws IOException {
        writeLines(file, heldOut.stream().map(TaskExample::toChatJson).toList());
    }

    /** Writes the held-out examples as evaluation cases ({@link TaskExample#toCaseJson()}), atomically. */
    public void writeCases(Path file) throws IOException {
        writeLines(file, heldOut.stream().map(TaskExample::toCaseJson).toList());
    }

    /**
     * Writes a domain profile for the task (system prompt, answer schema, exact scoring of the answer field, the
     * held-out set as its cases) into {@code dir}, which is created if needed. {@code deliberate eval --profile DIR}
     * and {@code DomainProfile.load(dir)} read it.
     *
     * @param dir the profile folder
     * @throws IOException if writing fails
     */
    public void writeProfile(Path dir) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve("system.md"), (task.systemPrompt() + "\n").getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(dir.resolve("answer.schema.json"), task.answerSchema().getBytes(StandardCharsets.UTF_8));
        writeCases(dir.resolve("cases.jsonl"));
        ObjectNode p = JSON.createObjectNode();
        p.put("profile", "quantities-" + task.id());
        p.put("version", "1.0.0");
        p.put("description", "Synthetic task '" + task.id() + "' (" + task.systemPrompt() + ") over tables of 2-6"
                + " single-digit quantities; held-out cases from seed " + seed + ".");
        p.put("systemPrompt", "system.md");
        p.put("answerSchema", "answer.schema.json");
        ObjectNode defaults = p.putObject("defaults");
        defaults.put("thinkingBudget", 64);
        defaults.put("answerMaxTokens", 24);
        ObjectNode eval = p.putObject("evaluation");
        eval.put("cases", "cases.jsonl");
        eval.putObject("fields").put(task.answerField(), "exact");
        AtomicFiles.write(dir.resolve("profile.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(p));
    }

    private static void writeLines(Path file, List<JsonNode> lines) throws IOException {
        StringBuilder b = new StringBuilder();
        for (JsonNode n : lines) {
            b.append(JSON.writeValueAsString(n)).append('\n');
        }
        AtomicFiles.write(file, b.toString().getBytes(StandardCharsets.UTF_8));
    }
}

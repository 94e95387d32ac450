package dev.deliberate.robotics.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code caller.mjs} (a roslib 2.1.0 action client) with a plan and returns what it printed. */
public final class RoslibCaller {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode plan = JSON.createObjectNode();
    private final ArrayNode goals;

    /** A plan for the Reason action at {@code /deliberate/reason}. */
    public RoslibCaller() {
        plan.put("action", "/deliberate/reason");
        plan.put("type", "deliberate_msgs/action/Reason");
        plan.put("timeoutMs", 15000);
        goals = plan.putArray("goals");
    }

    /** Goal args as JSON text (rosbridge form). */
    public RoslibCaller goal(String argsJson) {
        return goal(argsJson, g -> { });
    }

    /** Goal args plus options ({@code cancelOnFeedback}, {@code cancelAfterMs}). */
    public RoslibCaller goal(String argsJson, java.util.function.Consumer<ObjectNode> options) {
        ObjectNode g = goals.addObject();
        try {
            g.set("args", JSON.readTree(argsJson));
        } catch (IOException e) {
            throw new IllegalArgumentException(argsJson, e);
        }
        options.accept(g);
        return this;
    }

    /** A Reason goal. */
    public RoslibCaller reason(String task, String contextJson, long deadlineMillis) {
        ObjectNode args = JSON.createObjectNode().put("task", task).put("context_json", contextJson);
        args.putObject("deadline").put("sec", deadlineMillis / 1000)
                .put("nanosec", (deadlineMillis % 1000) * 1_000_000);
        goals.addObject().set("args", args);
        return this;
    }

    /** Sets any plan field (concurrent, subscribe, awaitDecisions, publish, timeoutMs). */
    public ObjectNode plan() {
        return plan;
    }

    /** Runs the plan against {@code url} and returns the goal records in order, plus the DONE record last. */
    public Outcome run(String url, Duration timeout) throws IOException, InterruptedException {
        String text = JSON.writeValueAsString(plan);
        java.nio.file.Path file = null;
        List<String> args = List.of("--url", url, "--plan", text);
        if (text.length() > 64 * 1024) { // one command-line argument holds at most 128 KiB on Linux
            file = java.nio.file.Files.createTempFile(Peers.nodeDir(), "plan", ".json");
            java.nio.file.Files.writeString(file, text);
            args = List.of("--url", url, "--plan-file", file.toString());
        }
        try (ChildProcess p = ChildProcess.start(Peers.nodeDir(), "caller.mjs", args)) {
            int code = p.await(timeout);
            List<JsonNode> goalRecords = new ArrayList<>();
            for (String s : p.linesStartingWith("GOAL ")) {
                goalRecords.add(JSON.readTree(s));
            }
            List<String> done = p.linesStartingWith("DONE ");
            if (code != 0 || done.isEmpty()) {
                throw new AssertionError("caller.mjs failed (exit " + code + "): " + p.lines());
            }
            return new Outcome(goalRecords, JSON.readTree(done.get(0)));
        } finally {
            if (file != null) {
                java.nio.file.Files.deleteIfExists(file);
            }
        }
    }

    /**
     * What the roslib caller saw.
     *
     * @param goals one record per goal: index, ok, result | error, feedback, elapsedMs
     * @param done  the final record (decisions received on the subscribed topic)
     */
    public record Outcome(List<JsonNode> goals, JsonNode done) {
        /** The record of goal {@code i}. */
        public JsonNode goal(int i) {
            return goals.stream().filter(g -> g.path("index").asInt() == i).findFirst()
                    .orElseThrow(() -> new AssertionError("no record for goal " + i + ": " + goals));
        }
    }
}

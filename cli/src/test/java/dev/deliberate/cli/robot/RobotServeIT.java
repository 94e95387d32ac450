package dev.deliberate.cli.robot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import dev.deliberate.robotics.reason.DecisionGuard;
import dev.deliberate.robotics.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deliberate robot serve} end to end, as a separate process: real llama.cpp on a tiny generated model, the
 * rosbridge-protocol relay fixture of sdk-robotics, and a roslib 2.1.0 client sending a goal. Stopped with SIGTERM.
 */
class RobotServeIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SCHEMA = "{\"type\":\"object\",\"required\":[\"action\"],\"additionalProperties\":false,"
            + "\"properties\":{\"action\":{\"enum\":[\"slow_down\",\"change_lane\",\"stop\"]}}}";

    @TempDir
    Path dir;

    static void missing(String why) {
        dev.deliberate.core.testing.Peers.missing(why);
    }

    static Path repo() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    }

    /** node + roslib in cli/target/npm, with the sdk-robotics test scripts copied next to them. */
    static Path npm() throws Exception {
        Path npm = Path.of("target/npm").toAbsolutePath();
        Path scripts = repo().resolve("sdk-robotics/src/test/node");
        if (!Files.isDirectory(npm.resolve("node_modules/roslib"))) {
            Process p = new ProcessBuilder("bash", scripts.resolve("install.sh").toString(), npm.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
                missing("node and roslib (sdk-robotics/src/test/node/install.sh failed)");
            }
        }
        try (Stream<Path> files = Files.list(scripts)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".mjs")).toList()) {
                Files.copy(f, npm.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return npm;
    }

    static Path tinyModel() throws Exception {
        Path file = Path.of("target/test-models/tiny-42.gguf").toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "tiny", ".gguf.part");
            TestModelGenerator.of(TestModelPreset.TINY, 42).writeGguf(tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    /** The first line of {@code child} containing {@code needle}, within {@code seconds}. */
    static String await(ChildProcess child, String needle, long seconds) throws InterruptedException {
        return child.awaitLine(l -> l.contains(needle), Duration.ofSeconds(seconds))
                .orElseThrow(() -> new AssertionError("no line containing '" + needle + "': " + child.lines()));
    }

    @Test
    void serveAnswersARoslibGoalWithAnAllowedDecisionAndStopsCleanlyOnSigterm() throws Exception {
        Path npm = npm();
        Path model = tinyModel();
        Path schema = dir.resolve("allowed.json");
        Files.writeString(schema, SCHEMA);
        Path actionFile = repo().resolve("sdk-robotics/ros2/deliberate_msgs/action/Reason.action");
        try (ChildProcess relay = ChildProcess.command(npm, List.of("node", "relay.mjs", "--port", "0", "--action",
                "deliberate_msgs/action/Reason=" + actionFile))) {
            String port = await(relay, "LISTENING ", 20).substring("LISTENING ".length()).trim();
            String url = "ws://127.0.0.1:" + port;
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // its own temp dir: the llama binding extracts its native library there and deletes it on exit, which
            // must not race with other JVMs loading the library from the shared temp dir
            Path tmp = Files.createDirectories(dir.resolve("tmp"));
            List<String> cmd = new ArrayList<>(List.of(java, "-Djava.io.tmpdir=" + tmp, "-cp",
                    System.getProperty("java.class.path"),
                    "dev.deliberate.cli.Main", "robot", "serve", "--rosbridge", url, "--model", model.toString(),
                    "--allowed-actions", schema.toString(), "--fallback", "{\"action\":\"stop\"}",
                    "--publish", "/deliberate/decision", "--policy", "preempt"));
            try (ChildProcess serve = ChildProcess.command(dir, cmd)) {
                await(serve, "serving /deliberate/reason", 60);
                await(relay, "ADVERTISED /deliberate/reason deliberate_msgs/action/Reason", 30);
                String plan = "{\"action\":\"/deliberate/reason\",\"type\":\"deliberate_msgs/action/Reason\","
                        + "\"timeoutMs\":30000,\"goals\":[{\"args\":{\"task\":\"unknown object on the lane\","
                        + "\"context_json\":\"{\\\"distance_m\\\":30}\",\"deadline\":{\"sec\":3,\"nanosec\":0}}}]}";
                try (ChildProcess caller = ChildProcess.command(npm,
                        List.of("node", "caller.mjs", "--url", url, "--plan", plan))) {
                    JsonNode goal = JSON.readTree(await(caller, "GOAL ", 60).substring("GOAL ".length()));
                    assertTrue(goal.path("ok").asBoolean(), goal.toString());
                    String decision = goal.path("result").path("decision_json").asText();
                    assertTrue(DecisionGuard.of(SCHEMA).parseAllowed(decision).isPresent(), goal.toString());
                }
                serve.process().destroy(); // SIGTERM to this PID: the shutdown hook unadvertises and closes
                assertTrue(serve.process().waitFor(20, TimeUnit.SECONDS), "serve stopped on SIGTERM");
            }
            assertEquals(List.of(), relay.lines().stream().filter(l -> l.startsWith("PROTOCOL-ERROR")).toList());
        }
    }

    static final java.time.Duration TEN_SECONDS = java.time.Duration.ofSeconds(10);

    @Test
    void serveGivesUpAfterMaxReconnectsWithOneLineAndExitCode1() throws Exception {
        Path model = tinyModel();
        Path schema = dir.resolve("allowed.json");
        Files.writeString(schema, SCHEMA);
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path tmp = Files.createDirectories(dir.resolve("tmp2"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Djava.io.tmpdir=" + tmp, "-cp",
                System.getProperty("java.class.path"), "dev.deliberate.cli.Main", "robot", "serve",
                "--rosbridge", "ws://127.0.0.1:" + port, "--model", model.toString(),
                "--allowed-actions", schema.toString(), "--fallback", "{\"action\":\"stop\"}",
                "--max-reconnects", "2"));
        try (ChildProcess serve = ChildProcess.command(dir, cmd)) {
            assertTrue(serve.process().waitFor(60, TimeUnit.SECONDS), "serve gave up");
            assertEquals(1, serve.process().exitValue());
            String expected = "deliberate: rosbridge at ws://127.0.0.1:" + port
                    + " unreachable after 2 reconnect attempt(s)";
            assertTrue(serve.awaitLine(expected, TEN_SECONDS).isPresent(),
                    serve.lines().toString());
            assertTrue(serve.lines().stream().noneMatch(l -> l.startsWith("\tat ")), serve.lines().toString());
        }
    }
}

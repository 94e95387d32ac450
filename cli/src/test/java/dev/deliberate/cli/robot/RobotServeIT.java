package dev.deliberate.cli.robot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.testmodel.TestModelGenerator;
import dev.deliberate.core.testmodel.TestModelPreset;
import dev.deliberate.robotics.reason.DecisionGuard;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    /** A child process with collected stdout, stopped by its own PID. */
    static final class Child implements AutoCloseable {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();

        Child(List<String> cmd, Path workDir) throws IOException {
            process = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (lines) {
                            lines.add(line);
                            lines.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // ended
                }
                synchronized (lines) {
                    lines.notifyAll();
                }
            });
            t.setDaemon(true);
            t.start();
        }

        String await(String needle, long seconds) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (lines) {
                while (System.nanoTime() < end) {
                    for (String l : lines) {
                        if (l.contains(needle)) {
                            return l;
                        }
                    }
                    if (!process.isAlive()) {
                        break;
                    }
                    lines.wait(200);
                }
            }
            throw new AssertionError("no line containing '" + needle + "': " + lines);
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    @Test
    void serveAnswersARoslibGoalWithAnAllowedDecisionAndStopsCleanlyOnSigterm() throws Exception {
        Path npm = npm();
        Path model = tinyModel();
        Path schema = dir.resolve("allowed.json");
        Files.writeString(schema, SCHEMA);
        Path actionFile = repo().resolve("sdk-robotics/ros2/deliberate_msgs/action/Reason.action");
        try (Child relay = new Child(List.of("node", "relay.mjs", "--port", "0", "--action",
                "deliberate_msgs/action/Reason=" + actionFile), npm)) {
            String port = relay.await("LISTENING ", 20).substring("LISTENING ".length()).trim();
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
            try (Child serve = new Child(cmd, dir)) {
                serve.await("serving /deliberate/reason", 60);
                relay.await("ADVERTISED /deliberate/reason deliberate_msgs/action/Reason", 30);
                String plan = "{\"action\":\"/deliberate/reason\",\"type\":\"deliberate_msgs/action/Reason\","
                        + "\"timeoutMs\":30000,\"goals\":[{\"args\":{\"task\":\"unknown object on the lane\","
                        + "\"context_json\":\"{\\\"distance_m\\\":30}\",\"deadline\":{\"sec\":3,\"nanosec\":0}}}]}";
                try (Child caller = new Child(List.of("node", "caller.mjs", "--url", url, "--plan", plan), npm)) {
                    JsonNode goal = JSON.readTree(caller.await("GOAL ", 60).substring("GOAL ".length()));
                    assertTrue(goal.path("ok").asBoolean(), goal.toString());
                    String decision = goal.path("result").path("decision_json").asText();
                    assertTrue(DecisionGuard.of(SCHEMA).parseAllowed(decision).isPresent(), goal.toString());
                }
                serve.process.destroy(); // SIGTERM to this PID: the shutdown hook unadvertises and closes
                assertTrue(serve.process.waitFor(20, TimeUnit.SECONDS), "serve stopped on SIGTERM");
            }
            assertEquals(List.of(), relay.lines.stream().filter(l -> l.startsWith("PROTOCOL-ERROR")).toList());
        }
    }
}

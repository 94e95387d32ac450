package dev.deliberate.cli.robot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.deliberate.core.InvalidSchemaException;
import dev.deliberate.robotics.action.GoalPolicy;
import dev.deliberate.robotics.reason.InvalidDecisionException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {

    static final String SCHEMA = "{\"type\":\"object\",\"required\":[\"action\"],"
            + "\"properties\":{\"action\":{\"enum\":[\"slow_down\",\"change_lane\",\"stop\"]}}}";

    @TempDir
    Path dir;

    ServeCommand parse(String... args) {
        ServeCommand cmd = new ServeCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd;
    }

    Path schema() throws Exception {
        Path p = dir.resolve("allowed.json");
        Files.writeString(p, SCHEMA);
        return p;
    }

    @Test
    void validArgumentsAreCheckedWithoutOpeningTheModel() throws Exception {
        ServeCommand cmd = parse("--rosbridge", "ws://127.0.0.1:9090", "--model", "/nonexistent/model.gguf",
                "--allowed-actions", schema().toString(), "--fallback", "{\"action\":\"stop\"}",
                "--observe", "/obstacle/summary:std_msgs/msg/String", "--publish", "/deliberate/decision",
                "--policy", "PREEMPT");
        ServeCommand.Config config = cmd.configure();
        assertEquals(1, config.topics().size());
        assertEquals(GoalPolicy.PREEMPT, cmd.policy);
        assertEquals("/deliberate/reason", cmd.action);
    }

    @Test
    void fallbackOutsideTheSchemaIsAConfigurationError() throws Exception {
        ServeCommand cmd = parse("--rosbridge", "ws://127.0.0.1:9090", "--model", "m.gguf",
                "--allowed-actions", schema().toString(), "--fallback", "{\"action\":\"accelerate\"}");
        assertThrows(InvalidDecisionException.class, cmd::configure);
    }

    @Test
    void unknownPolicyIsRefusedByTheParser() {
        assertThrows(CommandLine.ParameterException.class, () -> parse("--rosbridge", "ws://h:1", "--model", "m",
                "--allowed-actions", "a.json", "--fallback", "{}", "--policy", "yolo"));
    }

    @Test
    void badBridgeUrlTopicAndSchemaAreRefused() throws Exception {
        Path schema = schema();
        assertThrows(IllegalArgumentException.class, () -> parse("--rosbridge", "http://127.0.0.1:9090", "--model",
                "m", "--allowed-actions", schema.toString(), "--fallback", "{\"action\":\"stop\"}").configure());
        assertThrows(IllegalArgumentException.class, () -> parse("--rosbridge", "ws://127.0.0.1:9090", "--model",
                "m", "--allowed-actions", schema.toString(), "--fallback", "{\"action\":\"stop\"}",
                "--observe", "/no-type").configure());
        assertThrows(NoSuchFileException.class, () -> parse("--rosbridge", "ws://127.0.0.1:9090", "--model", "m",
                "--allowed-actions", dir.resolve("missing.json").toString(), "--fallback", "{}").configure());
        Path notSchema = dir.resolve("bad.json");
        Files.writeString(notSchema, "{\"type\": 12}");
        assertThrows(InvalidSchemaException.class, () -> parse("--rosbridge", "ws://127.0.0.1:9090", "--model",
                "m", "--allowed-actions", notSchema.toString(), "--fallback", "{}").configure());
    }

    @Test
    void escalationQueueAndReconnectOptionsAreCheckedWithoutOpeningTheModel() throws Exception {
        Path rules = dir.resolve("rules.json");
        Files.writeString(rules, "[{\"when\":{\"pointer\":\"/distance_m\",\"below\":5},"
                + "\"decide\":{\"action\":\"stop\"}}]");
        ServeCommand cmd = parse("--rosbridge", "ws://127.0.0.1:9090", "--model", "m.gguf",
                "--allowed-actions", schema().toString(), "--fallback", "{\"action\":\"stop\"}",
                "--reflexes", rules.toString(), "--fast-thinking-tokens", "0", "--fast-share", "0.25",
                "--confidence-field", "/confidence", "--min-confidence", "0.8", "--queue-size", "4",
                "--max-reconnects", "3");
        ServeCommand.Config config = cmd.configure();
        assertEquals(1, config.reflexes().size());
        assertEquals(0, config.fast().orElseThrow().thinkingTokens());
        assertEquals(0.25, config.fast().orElseThrow().shareOfDeadline());
        assertEquals("/confidence", config.fast().orElseThrow().confidencePointer().orElseThrow());
        assertEquals(4, cmd.queueSize);
        assertEquals(3, cmd.maxReconnects);

        Files.writeString(rules, "[{\"when\":{\"pointer\":\"/d\"},\"decide\":{}}]");
        assertThrows(dev.deliberate.robotics.reason.ReflexRules.InvalidRulesException.class, () -> parse(
                "--rosbridge", "ws://127.0.0.1:9090", "--model", "m", "--allowed-actions", schema().toString(),
                "--fallback", "{\"action\":\"stop\"}", "--reflexes", rules.toString()).configure());
        assertThrows(IllegalArgumentException.class, () -> parse("--rosbridge", "ws://127.0.0.1:9090", "--model",
                "m", "--allowed-actions", schema().toString(), "--fallback", "{\"action\":\"stop\"}",
                "--fast-thinking-tokens", "0", "--fast-share", "1.5").configure());
        assertThrows(IllegalArgumentException.class, () -> parse("--rosbridge", "ws://127.0.0.1:9090", "--model",
                "m", "--allowed-actions", schema().toString(), "--fallback", "{\"action\":\"stop\"}",
                "--queue-size", "-1").configure());
        assertThrows(IllegalArgumentException.class, () -> parse("--rosbridge", "ws://127.0.0.1:9090", "--model",
                "m", "--allowed-actions", schema().toString(), "--fallback", "{\"action\":\"stop\"}",
                "--confidence-field", "/confidence").configure());
    }
}

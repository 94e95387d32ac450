package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The options that {@code reason}, {@code council}, {@code cascade}, {@code eval} and {@code serve} share come from
 * one declaration each (picocli mixins): same names, same checks, same messages; no model is needed.
 */
class SharedOptionsTest extends InProcessCli {

    private static final List<List<String>> COMMANDS = List.of(
            List.of("reason", "--model", "m.gguf"),
            List.of("council", "--member", "m.gguf"),
            List.of("cascade", "--fast", "m.gguf"),
            List.of("eval", "--profile", "p", "--model", "m.gguf", "--report", "r"),
            List.of("serve", "--model", "m.gguf"));

    private int runWith(List<String> command, String... extra) {
        List<String> args = new java.util.ArrayList<>(command);
        args.addAll(List.of(extra));
        if (!command.get(0).equals("eval") && !command.get(0).equals("serve")) {
            args.add("hi");
        }
        return run(args.toArray(String[]::new));
    }

    @Test
    void negativeLocalModelOptionsAreTheSameUsageErrorEverywhere() {
        for (List<String> c : COMMANDS) {
            assertEquals(2, runWith(c, "--threads", "-1"), c + ": " + err());
            assertTrue(err().startsWith("--threads must be >= 0, got -1\n"), c + ": " + err());
            assertEquals(2, runWith(c, "--context", "-5"), c + ": " + err());
            assertTrue(err().startsWith("--context must be >= 0, got -5\n"), c + ": " + err());
            assertEquals(2, runWith(c, "--gpu-layers", "-2"), c + ": " + err());
            assertTrue(err().startsWith("--gpu-layers must be >= 0, got -2\n"), c + ": " + err());
        }
    }

    @Test
    void samplingAnswerAndThinkingOptionsAreCheckedAlikeInReasonCouncilAndCascade() {
        for (List<String> c : COMMANDS.subList(0, 3)) {
            assertEquals(2, runWith(c, "--temperature", "3"), c + ": " + err());
            assertTrue(err().startsWith("--temperature must be in [0, 2], got 3.0\n"), c + ": " + err());
            assertEquals(2, runWith(c, "--answer-budget", "0"), c + ": " + err());
            assertTrue(err().startsWith("--answer-budget must be >= 1, got 0\n"), c + ": " + err());
            assertEquals(2, runWith(c, "--thinking-budget", "-1"), c + ": " + err());
            assertTrue(err().startsWith("--thinking-budget must be >= 0, got -1\n"), c + ": " + err());
        }
    }

    @Test
    void councilSettingsAreCheckedAlikeInCouncilAndCascade() {
        for (List<String> c : List.of(COMMANDS.get(1), List.of("cascade", "--fast", "m.gguf", "--member",
                "m.gguf"))) {
            assertEquals(2, runWith(c, "--threshold", "1.5"), c + ": " + err());
            assertTrue(err().startsWith("--threshold must be in [0, 1], got 1.5\n"), c + ": " + err());
            assertEquals(2, runWith(c, "--quorum", "2"), c + ": " + err());
            assertTrue(err().startsWith("--quorum must be in [0, 1], got 2\n"), c + ": " + err());
        }
        assertEquals(2, run("council", "hi"));
        assertTrue(err().startsWith("Missing required option: '--member=MODEL'\n"), err());
    }

    @Test
    void mixedInOptionsBelongToTheirCommandSoThatConfigDefaultsReachThem() {
        // ConfigDefaults gives --threads a default in commands that also have --model: it asks the option's command
        CommandLine cli = new CommandLine(new Main());
        for (String name : List.of("reason", "council", "cascade", "eval", "serve")) {
            CommandLine.Model.CommandSpec spec = cli.getSubcommands().get(name).getCommandSpec();
            CommandLine.Model.OptionSpec threads = spec.findOption("--threads");
            assertNotNull(threads, name);
            assertEquals(name, threads.command().name(), name);
        }
    }
}

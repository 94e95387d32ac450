package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RobotCommandRegistrationTest {

    @Test
    void robotServeIsRegisteredAndMissingOptionsExitWithUsageError() {
        CommandLine cli = new CommandLine(new Main());
        assertTrue(cli.getSubcommands().containsKey("robot"));
        assertTrue(cli.getSubcommands().get("robot").getSubcommands().containsKey("serve"));
        assertEquals(2, Main.execute("robot", "serve", "--rosbridge", "ws://127.0.0.1:9"));
    }
}

package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code deliberate serve} is registered, and bad options fail before any model is opened (exit code 2). */
class ServeCommandRegistrationTest extends InProcessCli {

    @Test
    void serveIsRegisteredAndBadOptionsExitWithUsageErrorBeforeLoading() {
        assertTrue(new CommandLine(new Main()).getSubcommands().containsKey("serve"));
        assertEquals(0, run("serve", "--help"));
        assertTrue(out().contains("--parallel") && out().contains("--api-key"), out());
        assertEquals(2, run("serve"), "--model is required");
        String missing = "/nonexistent/model.gguf";
        assertEquals(2, run("serve", "--model", missing, "--parallel", "0"));
        assertEquals(2, run("serve", "--model", missing, "--effort-budgets", "3,2,1"));
        assertEquals(2, run("serve", "--model", missing, "--port", "70000"));
        assertEquals(2, run("serve", "--model", missing, "--api-key", "has space"));
        assertFalse(err().contains("has space"), "a refused key is not echoed: " + err());
        assertEquals(1, run("serve", "--model", missing, "--port", "0"), "a missing model fails to load: " + err());
    }
}

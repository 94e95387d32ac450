package dev.deliberate.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Base for tests that run the command line in this JVM and read what it printed. */
abstract class InProcessCli {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void captureConsole() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreConsole() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    /**
     * Runs {@code deliberate ARGS} and returns its exit code; {@link #out()} and {@link #err()} hold its output. The
     * user's own configuration file is not read (the environment names a configuration folder that does not exist).
     */
    int run(String... args) {
        return runWith(java.util.Map.of("XDG_CONFIG_HOME", "/nonexistent/deliberate-tests"), args);
    }

    /** Runs {@code deliberate ARGS} in the environment {@code env} (for the configuration file). */
    int runWith(java.util.Map<String, String> env, String... args) {
        out.reset();
        err.reset();
        return Main.execute(env, args);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}

package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The bash launcher and the Windows one run the same jar the same way (no Windows here to run the latter). */
class LaunchersTest {

    @Test
    void windowsLauncherShipsBesideTheBashOneAndMatchesIt() throws IOException {
        String bash = Files.readString(Path.of("../deliberate"));
        String cmd = Files.readString(Path.of("../deliberate.cmd"));
        assertTrue(bash.contains("cli/target/deliberate-cli.jar") && cmd.contains("cli\\target\\deliberate-cli.jar"));
        assertTrue(bash.contains("DELIBERATE_JAVA_OPTS") && cmd.contains("%DELIBERATE_JAVA_OPTS%"));
        assertTrue(bash.contains("-pl cli -am package") && cmd.contains("-pl cli -am package"));
        assertTrue(cmd.contains("%*"), "passes all arguments on");
        assertTrue(cmd.replace("\r\n", "").indexOf('\n') < 0, "CRLF line ends, as cmd.exe expects");
    }
}

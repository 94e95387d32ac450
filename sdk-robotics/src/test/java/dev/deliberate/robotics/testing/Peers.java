package dev.deliberate.robotics.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the external peers of the integration tests (node 20 and roslib 2.1.0 from npm). When a peer is missing, the
 * test is skipped on a laptop but FAILS when {@code CI=true}.
 */
public final class Peers {

    private static volatile Path ready;

    private Peers() {}

    /** Skips the test (or fails it under CI) with {@code why}. */
    public static void missing(String why) {
        dev.deliberate.core.testing.Peers.missing(why);
    }

    /** The module directory (failsafe runs tests there; {@code basedir} is set by Maven). */
    public static Path moduleDir() {
        String base = System.getProperty("basedir");
        return Path.of(base != null ? base : System.getProperty("user.dir")).toAbsolutePath();
    }

    /**
     * The folder holding {@code node_modules/roslib} and the test scripts, installing roslib with
     * {@code src/test/node/install.sh} when it is not there yet.
     */
    public static synchronized Path nodeDir() {
        if (ready != null) {
            return ready;
        }
        Path module = moduleDir();
        Path npm = module.resolve("target/npm");
        Path scripts = module.resolve("src/test/node");
        if (!commandWorks(List.of("node", "--version"))) {
            missing("node is not on the PATH");
        }
        if (!Files.isDirectory(npm.resolve("node_modules/roslib"))) {
            if (!commandWorks(List.of("bash", scripts.resolve("install.sh").toString(), npm.toString()))) {
                missing("roslib could not be installed into " + npm + " (run src/test/node/install.sh)");
            }
        }
        try (Stream<Path> files = Files.list(scripts)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".mjs")).toList()) {
                Files.copy(f, npm.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            fail("cannot copy the node test scripts into " + npm + ": " + e);
        }
        ready = npm;
        return npm;
    }

    /** The Reason.action file of the ROS 2 interface package. */
    public static Path reasonActionFile() {
        return moduleDir().resolve("ros2/deliberate_msgs/action/Reason.action");
    }

    private static boolean commandWorks(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

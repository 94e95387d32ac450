package dev.deliberate.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.testing.Peers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The official {@code openai} npm client, installed by {@code src/test/node/install.sh} into {@code target/npm}, and
 * the scenario script {@code openai-client.mjs}. Missing node or package: the test is skipped on a laptop and FAILS
 * when {@code CI=true}.
 */
final class NodeClient {

    private static Path ready;

    private NodeClient() {}

    static Path moduleDir() {
        String base = System.getProperty("basedir");
        return Path.of(base != null ? base : System.getProperty("user.dir")).toAbsolutePath();
    }

    /** The folder with {@code node_modules/openai} and the script, installing the package when needed. */
    static synchronized Path dir() throws IOException, InterruptedException {
        if (ready != null) {
            return ready;
        }
        Path npm = moduleDir().resolve("target/npm");
        Path scripts = moduleDir().resolve("src/test/node");
        if (!works(List.of("node", "--version"))) {
            Peers.missing("node is not on the PATH (install node 20 and npm)");
        }
        if (!Files.isDirectory(npm.resolve("node_modules/openai"))
                && !works(List.of("bash", scripts.resolve("install.sh").toString(), npm.toString()))) {
            Peers.missing("the openai npm package could not be installed into " + npm
                    + " (run sdk-server/src/test/node/install.sh)");
        }
        Files.copy(scripts.resolve("openai-client.mjs"), npm.resolve("openai-client.mjs"),
                StandardCopyOption.REPLACE_EXISTING);
        ready = npm;
        return npm;
    }

    /** Runs one scenario of {@code openai-client.mjs} and returns its RESULT object. */
    static JsonNode run(OpenAiServer server, String key, String scenario, Map<String, String> env)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("node", "openai-client.mjs", server.baseUrl().toString(), key,
                server.modelId(), scenario));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir().toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("node " + scenario + " did not end");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        String line = text.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new AssertionError("no RESULT from node " + scenario + ":\n" + text));
        JsonNode result = Http.JSON.readTree(line.substring("RESULT ".length()));
        if (p.exitValue() != 0 || result.has("failed")) {
            throw new AssertionError("node " + scenario + " failed: " + text);
        }
        return result;
    }

    private static boolean works(List<String> command) {
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

package dev.deliberate.cli;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code deliberate serve} as a child process on a free loopback port, for tests that need a real OpenAI-compatible
 * server with real llama.cpp behind it. Ready when {@code GET /v1/models} answers; closing stops it (SIGTERM, then
 * kill) and deletes its folder.
 */
final class ServeProcess implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final URI base;

    private ServeProcess(Process process, Path dir, URI base) {
        this.process = process;
        this.dir = dir;
        this.base = base;
    }

    /** Starts {@code deliberate serve --model model --api-key key} and waits (at most a minute) until it answers. */
    static ServeProcess start(Path model, String key) throws IOException, InterruptedException {
        return start(model, key, List.of());
    }

    /** Starts {@code deliberate serve} as {@link #start(Path, String)} does, with {@code extra} options. */
    static ServeProcess start(Path model, String key, List<String> extra) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("deliberate-serve-it");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--model", model.toString(), "--host", "127.0.0.1", "--port",
                String.valueOf(port), "--api-key", key, "--threads", "2", "--context", "2048"));
        command.addAll(extra);
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile()).start();
        ServeProcess serve = new ServeProcess(p, dir, URI.create("http://127.0.0.1:" + port + "/v1"));
        try {
            serve.awaitReady(key);
        } catch (IOException | RuntimeException | InterruptedException e) {
            serve.close();
            throw e;
        }
        return serve;
    }

    /** The API base URL, ending in {@code /v1}. */
    URI base() {
        return base;
    }

    private void awaitReady(String key) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IllegalStateException("deliberate serve exited: " + Files.readString(dir.resolve(
                        "serve.log")));
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(base + "/models"))
                        .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet: ask again (bounded by the minute above)
            }
            process.waitFor(50, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("deliberate serve did not answer within 60 s");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // a temporary folder left behind is not a test failure
        }
    }
}

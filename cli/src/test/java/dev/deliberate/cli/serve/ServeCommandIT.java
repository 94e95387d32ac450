package dev.deliberate.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.robotics.testing.ChildProcess;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deliberate serve} as a separate process on the tiny model, logging at DEBUG: bad input of every kind gets its
 * error and the server keeps serving, neither the key nor a wrong key ever appears in the process's output, and
 * SIGTERM lets a stream in flight finish before the process exits.
 */
class ServeCommandIT {

    static final String KEY = "sk-serve-it-secret-5150";
    static final String WRONG = "sk-serve-it-wrong-0505";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return HTTP.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(URI base, String key, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static String chat(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Is 1013 prime?\"}]" + extra
                + "}";
    }

    @Test
    void refusesBadInputKeepsServingNeverPrintsTheKeyAndFinishesAStreamOnSigterm() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 42).writeGguf(model);
        Path tmp = Files.createDirectories(dir.resolve("tmp")); // the llama binding extracts its library here
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Djava.io.tmpdir=" + tmp,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug", "-Dorg.slf4j.simpleLogger.log.org.eclipse.jetty=debug",
                "-cp", System.getProperty("java.class.path"), "dev.deliberate.cli.Main", "serve",
                "--model", model.toString(), "--port", "0", "--api-key", KEY, "--parallel", "2",
                "--max-body", "65536", "--shutdown-grace", "30", "--context", "2048"));
        try (ChildProcess serve = ChildProcess.command(dir, cmd)) {
            String line = serve.awaitLine(l -> l.startsWith("deliberate: serving"), Duration.ofSeconds(90))
                    .orElseThrow(() -> new AssertionError("serve did not start: " + serve.lines()));
            URI base = URI.create(line.replaceAll(".* at (http://\\S+/v1) .*", "$1"));
            HttpResponse<String> models = send(HttpRequest.newBuilder(URI.create(base + "/models"))
                    .header("Authorization", "Bearer " + KEY).GET());
            assertEquals(200, models.statusCode());
            String id = JSON.readTree(models.body()).at("/data/0/id").asText();

            assertEquals(401, send(HttpRequest.newBuilder(URI.create(base + "/models"))
                    .header("Authorization", "Bearer " + WRONG).GET()).statusCode());
            assertEquals(401, post(base, WRONG, chat(id, "")).statusCode());
            assertEquals(400, post(base, KEY, "{\"model\":\"" + id + "\",\"messages\":[").statusCode());
            assertEquals(413, post(base, KEY, chat(id, ",\"pad\":\"" + "z".repeat(100_000) + "\"")).statusCode());
            assertEquals(404, post(base, KEY, chat("no-such-model", "")).statusCode());
            HttpResponse<String> schema = post(base, KEY, chat(id, ",\"response_format\":{\"type\":\"json_schema\","
                    + "\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"object\",\"required\":\"ok\"}}}"));
            assertEquals(400, schema.statusCode(), schema.body());
            assertEquals("invalid_schema", JSON.readTree(schema.body()).at("/error/code").asText());

            HttpResponse<String> ok = post(base, KEY, chat(id, ",\"thinking_budget\":8,\"max_tokens\":8,\"seed\":1"));
            assertEquals(200, ok.statusCode(), ok.body());
            assertFalse(JSON.readTree(ok.body()).at("/choices/0/message/reasoning_content").asText().isEmpty());

            // a long stream, then SIGTERM while it runs: it must still end with [DONE]
            CountDownLatch firstChunk = new CountDownLatch(1);
            CompletableFuture<List<String>> stream = CompletableFuture.supplyAsync(() -> {
                try {
                    HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
                            .header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(90))
                            .POST(HttpRequest.BodyPublishers.ofString(chat(id,
                                    ",\"thinking_budget\":1200,\"max_tokens\":300,\"stream\":true"))).build();
                    List<String> data = new ArrayList<>();
                    try (Stream<String> lines = HTTP.send(r, HttpResponse.BodyHandlers.ofLines()).body()) {
                        for (String l : (Iterable<String>) lines::iterator) {
                            if (l.startsWith("data: ")) {
                                data.add(l.substring(6));
                                firstChunk.countDown();
                            }
                        }
                    }
                    return data;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertTrue(firstChunk.await(60, TimeUnit.SECONDS), "the stream started");
            serve.process().destroy(); // SIGTERM to this PID
            List<String> data = stream.get(90, TimeUnit.SECONDS);
            assertEquals("[DONE]", data.get(data.size() - 1), "the stream in flight finished: " + tail(data));
            JsonNode finish = JSON.readTree(data.get(data.size() - 2));
            assertTrue(finish.at("/choices/0/finish_reason").isTextual(), finish.toString());
            assertTrue(serve.process().waitFor(40, TimeUnit.SECONDS), "serve exited after SIGTERM");

            String output = String.join("\n", serve.lines());
            assertTrue(output.contains("DEBUG"), "the child logged at DEBUG");
            assertFalse(output.contains(KEY), "the key is never printed");
            assertFalse(output.contains(WRONG), "a wrong key is never printed");
            assertFalse(output.contains(KEY.substring(8)), "not even in part");
        }
    }

    static List<String> tail(List<String> data) {
        return data.subList(Math.max(0, data.size() - 3), data.size());
    }
}

package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.eval.EvalRun;
import dev.deliberate.eval.SettingSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/adapting.md, "In an afternoon, on the weld sample": every {@code ./deliberate} command of the block marked
 * {@code <!-- run by AdaptingGuideIT -->} is run as written, in that order, from a folder laid out like the
 * repository root (the sample's profile and adaptation data copied in), each in its own JVM
 * ({@code java -cp <this classpath> dev.deliberate.cli.Main ARGS}, which is what {@code ./deliberate} runs once built).
 * The last, {@code serve}, runs with {@code --port 0} in place of the guide's port (the one change, so that the
 * test never collides with a server on the machine) until it answers one chat completion under the profile's schema.
 * Then the figures the guide states are checked: the adapter lowers the held-out loss and raises held-out accuracy.
 */
class AdaptingGuideIT {

    /** The guide's block must keep at least these steps, in this order. */
    private static final List<String> STEPS = List.of("testmodel", "eval", "adapt train", "eval", "serve");

    /** Held-out loss after training must be below this share of the loss before (measured: 6.42 to 2.03). */
    private static final double MAX_LOSS_RATIO = 0.6;

    @TempDir
    Path root;

    @Test
    void theGuideRunsAsWrittenAndTheAdapterHelpsOnHeldOutCases() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        String guide = Files.readString(repo.resolve("docs/adapting.md"));
        List<List<String>> commands = commands(guide);
        assertEquals(STEPS.size(), commands.size(), "commands in the guide's block: " + commands);
        for (int i = 0; i < STEPS.size(); i++) {
            assertEquals(STEPS.get(i), String.join(" ", commands.get(i).subList(0, STEPS.get(i).split(" ").length)),
                    "step " + (i + 1));
        }
        copy(repo.resolve("samples/weld-inspection/profile"), root.resolve("samples/weld-inspection/profile"));
        copy(repo.resolve("samples/weld-inspection/adapt"), root.resolve("samples/weld-inspection/adapt"));

        List<String> outputs = new ArrayList<>();
        for (List<String> args : commands.subList(0, commands.size() - 1)) {
            outputs.add(run(args));
        }
        serveAnswersOnce(commands.get(commands.size() - 1));

        Matcher m = Pattern.compile("eval loss ([0-9.]+) -> ([0-9.]+)").matcher(outputs.get(2));
        assertTrue(m.find(), outputs.get(2));
        double before = Double.parseDouble(m.group(1));
        double after = Double.parseDouble(m.group(2));
        assertTrue(after < MAX_LOSS_RATIO * before, "held-out loss " + before + " -> " + after);

        EvalRun base = EvalRun.read(root.resolve("target/weld/before/results.json"));
        EvalRun adapted = EvalRun.read(root.resolve("target/weld/after/results.json"));
        SettingSummary b = base.summaries().get(0);
        SettingSummary a = adapted.summaries().get(0);
        assertEquals(b.setting().label(), a.setting().label(), "both runs under the same setting label");
        assertEquals(1.0, a.validity(), "the schema constrains every answer");
        assertTrue(a.fieldAccuracy().get("defect") >= b.fieldAccuracy().get("defect") + DEFECT_MARGIN,
                "defect accuracy on held-out cases: " + b.fieldAccuracy() + " -> " + a.fieldAccuracy());
        String report = Files.readString(root.resolve("target/weld/after/report.md"));
        // the figures the guide states, for whoever updates it
        System.out.println("AdaptingGuideIT: held-out loss " + before + " -> " + after + "; field accuracy "
                + b.fieldAccuracy() + " -> " + a.fieldAccuracy() + "; correct " + b.accuracy() + " -> "
                + a.accuracy() + "; " + report.lines().filter(l -> l.contains(" better, ")).findFirst().orElse(""));
        assertTrue(report.contains("## Compared with the baseline"), report);
        assertFalse(outputs.get(3).isBlank());
    }

    /** Defect accuracy on the held-out cases must rise by at least this (measured: 12.5 % to 35 %, see the guide). */
    private static final double DEFECT_MARGIN = 0.15;

    /** The {@code ./deliberate} commands of the marked block, continuation lines joined, split on spaces. */
    static List<List<String>> commands(String guide) {
        int marker = guide.indexOf("<!-- run by AdaptingGuideIT -->");
        assertTrue(marker >= 0, "docs/adapting.md has no block marked for AdaptingGuideIT");
        int start = guide.indexOf("```\n", marker) + 4;
        int end = guide.indexOf("```", start);
        String block = guide.substring(start, end).replace("\\\n", " ");
        List<List<String>> commands = new ArrayList<>();
        for (String line : block.split("\n")) {
            String l = line.replaceAll("\\s+#.*$", "").strip();
            if (l.isEmpty()) {
                continue;
            }
            List<String> words = new ArrayList<>(List.of(l.split("\\s+")));
            assertEquals("./deliberate", words.remove(0), "every line of the block is a deliberate command: " + l);
            commands.add(words);
        }
        return commands;
    }

    private String run(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.deliberate.cli.Main"));
        cmd.addAll(args);
        Path log = root.resolve("step.log");
        Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(10, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(done, "timed out: " + args + "\n" + out);
        assertEquals(0, p.exitValue(), args + "\n" + out);
        return out;
    }

    /** Starts the guide's serve command on a free port, asks one question, stops it. */
    private void serveAnswersOnce(List<String> guideArgs) throws Exception {
        List<String> args = new ArrayList<>(guideArgs);
        int port = args.indexOf("--port");
        assertTrue(port > 0, "the guide's serve command names a port: " + args);
        args.set(port + 1, "0");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.deliberate.cli.Main"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor();
        try (java.io.BufferedReader lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            timer.schedule(p::destroyForcibly, 2, TimeUnit.MINUTES); // a server that never starts ends the read
            StringBuilder seen = new StringBuilder();
            String line;
            String url = null;
            while ((line = lines.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.startsWith("deliberate: serving")) {
                    url = line.replaceAll(".* at (http://\\S+/v1) .*", "$1");
                    break;
                }
            }
            assertTrue(url != null, "serve did not start:\n" + seen);
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpResponse<String> models = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url + "/models")).timeout(java.time.Duration.ofSeconds(60)).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, models.statusCode(), models.body());
            String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(models.body()).at("/data/0/id")
                    .asText();
            String body = "{\"model\":\"" + id + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                    + "\"Hairline crack of 30 mm at the cap.\"}],\"thinking_budget\":0,\"seed\":1}";
            java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url + "/chat/completions")).timeout(java.time.Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            String content = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body())
                    .at("/choices/0/message/content").asText();
            assertTrue(new com.fasterxml.jackson.databind.ObjectMapper().readTree(content).has("defect"),
                    "an answer under the profile's schema: " + content);
        } finally {
            timer.shutdownNow();
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t);
                }
            }
        }
    }
}

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
 * Then the figures the guide states are checked: the adapter lowers the held-out loss and raises held-out accuracy.
 */
class AdaptingGuideIT {

    /** The guide's block must keep at least these steps, in this order. */
    private static final List<String> STEPS = List.of("testmodel", "eval", "adapt train", "eval");

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
        for (List<String> args : commands) {
            outputs.add(run(args));
        }

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

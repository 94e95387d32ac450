package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deliberate eval} and {@code reason --profile} end to end on the tiny model (real llama.cpp). */
class EvalCommandIT extends InProcessCli {

    @TempDir
    static Path dir;

    static Path tiny;
    static Path profile;

    @BeforeAll
    static void setUp() throws Exception {
        tiny = dir.resolve("tiny.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 42).writeGguf(tiny);
        profile = Files.createDirectories(dir.resolve("profile"));
        Files.writeString(profile.resolve("profile.json"), """
                {"profile": "cli-test", "version": "1.0",
                 "systemPrompt": "system.md", "answerSchema": "answer.schema.json",
                 "safety": {"escalateWhen": [{"field": "severity", "in": ["critical", "minor", "ok"]}]},
                 "defaults": {"thinkingBudget": 8, "answerMaxTokens": 32},
                 "evaluation": {"cases": "cases.jsonl"}}
                """);
        Files.writeString(profile.resolve("system.md"), "You grade weld seams.\n");
        Files.writeString(profile.resolve("answer.schema.json"),
                "{\"type\":\"object\",\"required\":[\"severity\"],\"properties\":{\"severity\":{\"enum\":[\"ok\","
                        + "\"minor\",\"critical\"]}}}");
        Files.writeString(profile.resolve("cases.jsonl"), """
                {"id": "a", "input": "clean seam", "expected": {"severity": "ok"}}
                {"id": "b", "input": "2 mm crack at the toe", "expected": {"severity": "critical"}}
                """);
    }

    @Test
    void evalRunsEveryBudgetAndWritesTheReport() throws Exception {
        Path report = dir.resolve("report");
        assertEquals(0, run("eval", "--profile", profile.toString(), "--model", tiny.toString(),
                "--thinking-budget", "0,8", "--report", report.toString()), err());
        assertTrue(out().contains("tiny@0 "), out());
        assertTrue(out().contains("tiny@8 "), out());
        assertTrue(out().contains("valid 100.0%"), out());
        assertTrue(err().contains("[##############################] 4/4 tiny@8 b "), err());
        assertTrue(Files.size(report.resolve("report.html")) > 10_000);
        assertTrue(Files.isRegularFile(report.resolve("charts/outcomes.png")));

        // a second run compared with the first: same seed, same model, nothing changes
        assertEquals(0, run("eval", "--profile", profile.toString(), "--model", tiny.toString(),
                "--thinking-budget", "0,8", "--report", dir.resolve("report2").toString(), "--baseline",
                report.resolve("results.json").toString()), err());
        String compared = Files.readString(dir.resolve("report2/report.md"));
        assertTrue(compared.contains("0 better, 0 worse, 4 unchanged"), compared);
        assertTrue(compared.contains("| setting | cases in both | correct before | correct after |"), compared);
        assertTrue(compared.contains("| tiny@8 | 2 | "), compared);
    }

    @Test
    void badProfilesAndBudgetsAreOneLineErrors() throws Exception {
        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(broken.resolve("profile.json"), "{\"profile\": \"x\", \"version\": \"1.0\",\n"
                + " \"systemPrompt\": \"missing.md\"}\n");
        assertEquals(1, run("eval", "--profile", broken.toString(), "--model", tiny.toString(), "--report",
                dir.resolve("r").toString()));
        assertEquals("deliberate: profile.json:2: systemPrompt: names \"missing.md\", which is not in the bundle\n",
                err());
        assertEquals(2, run("eval", "--profile", profile.toString(), "--model", tiny.toString(),
                "--thinking-budget", "-1", "--report", dir.resolve("r").toString()));
        assertTrue(err().startsWith("--thinking-budget must be >= 0, got -1\n"), err());
    }

    @Test
    void reasonWithAProfileUsesItsSchemaAndJudgesTheAnswer() {
        assertEquals(0, run("reason", "--model", tiny.toString(), "--profile", profile.toString(), "--seed", "3",
                "--json", "weld", "seam"), err());
        assertTrue(out().contains("\"answerJson\":{\"severity\":"), out());
        assertTrue(err().contains("safety (cli-test@1.0): ESCALATE: severity is "), err());
        assertEquals(2, run("reason", "--model", tiny.toString(), "--profile", profile.toString(), "--system", "x",
                "q"));
    }

    @Test
    void evalOfACouncilAndACascadeReportsAgreementAgainstCorrectnessAndThePaths() throws Exception {
        Path tiny7 = dir.resolve("tiny-7.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 7).writeGguf(tiny7);
        Path report = dir.resolve("report-council");
        assertEquals(0, run("eval", "--profile", profile.toString(), "--council", tiny.toString(), "--council",
                tiny7.toString(), "--cascade", tiny.toString() + "," + tiny7, "--report", report.toString()), err());
        assertTrue(out().contains("council                      disagreement as a warning of a wrong answer:"),
                out());
        assertTrue(out().contains("cascade                      answered by {"), out());
        var results = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.resolve("results.json")
                .toFile());
        assertEquals("COUNCIL", results.at("/settings/0/kind").asText());
        assertEquals("CASCADE", results.at("/settings/1/kind").asText());
        // every council case has a verdict (or failed); every cascade case has its path, the fast step first
        for (var r : results.get("results")) {
            if (r.get("setting").asText().equals("council")) {
                assertTrue(r.get("council").isObject() || r.get("outcome").asText().equals("ERROR"), r.toString());
            } else {
                assertEquals("fast", r.at("/cascade/steps/0/name").asText(), r.toString());
                assertEquals("FAST", r.at("/cascade/steps/0/tier").asText(), r.toString());
            }
        }
        String md = Files.readString(report.resolve("report.md"));
        assertTrue(md.contains("## Council agreement against correctness"), md);
        assertTrue(md.contains("## Cascade paths"), md);
        assertTrue(Files.isRegularFile(report.resolve("charts/agreement-vs-correctness.svg")));
        assertTrue(Files.isRegularFile(report.resolve("charts/cascade-paths.png")));
        assertEquals(2, run("eval", "--profile", profile.toString(), "--council", tiny.toString(), "--report",
                report.toString()));
        assertTrue(err().startsWith("a --council needs at least two members\n"), err());
    }
}

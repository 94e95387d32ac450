package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deliberate council}, {@code cascade}, {@code audit verify} and {@code reason --audit} on tiny models. */
class CouncilCommandIT extends InProcessCli {

    @TempDir
    static Path models;

    static Path tiny42;
    static Path tiny7;
    static Path tiny9;
    static Path schema;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeModels() throws Exception {
        tiny42 = models.resolve("tiny-42.gguf");
        tiny7 = models.resolve("tiny-7.gguf");
        tiny9 = models.resolve("tiny-9.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 42).writeGguf(tiny42);
        TestModelGenerator.of(TestModelPreset.TINY, 7).writeGguf(tiny7);
        TestModelGenerator.of(TestModelPreset.TINY, 9).writeGguf(tiny9);
        schema = Files.writeString(models.resolve("urgent.json"), "{\"type\":\"object\",\"properties\":{\"urgent\":"
                + "{\"type\":\"boolean\"},\"confidence\":{\"type\":\"number\"}},\"required\":[\"urgent\","
                + "\"confidence\"],\"additionalProperties\":false}");
    }

    private List<String> council(String... extra) {
        List<String> args = new ArrayList<>(List.of("council", "--member", tiny42.toString(), "--member",
                tiny7.toString(), "--member", tiny9.toString(), "--schema", schema.toString(), "--thinking-budget",
                "60", "--answer-budget", "96", "--critique-length", "24", "--seed", "1", "--threads", "1",
                "--context", "2048"));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void jsonCarriesMembersReviewsAgreementAndTheAuditTrailVerifies() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        List<String> args = council("--audit", audit.toString(), "--json", "Is", "it", "urgent?");
        int code = run(args.toArray(String[]::new));
        JsonNode j = new ObjectMapper().readTree(out());
        assertEquals(j.get("disagreement").asBoolean() ? 3 : 0, code, err());
        assertEquals(3, j.get("members").size());
        for (JsonNode m : j.get("members")) {
            assertTrue(m.has("name") && m.has("model") && m.has("thinking") && m.has("answer")
                    && m.has("answerJson") && m.has("error"), m.toString());
        }
        assertEquals(List.of("tiny-42", "tiny-7", "tiny-9"), List.of(j.at("/members/0/name").asText(),
                j.at("/members/1/name").asText(), j.at("/members/2/name").asText()));
        for (JsonNode v : j.get("reviews")) {
            assertTrue(v.has("reviewer") && v.has("subject") && v.get("agrees").isBoolean() && v.has("critique"));
        }
        double agreement = j.get("agreement").asDouble();
        assertTrue(agreement >= 0 && agreement <= 1);
        assertEquals(agreement < j.get("threshold").asDouble(), j.get("disagreement").asBoolean());
        assertTrue(j.get("fieldAgreement").isArray());
        assertTrue(j.has("consensus") && j.has("usage") && j.has("timings"));
        assertTrue(j.at("/usage/thinkingTokens").asInt() <= 60, "the shared thinking cap holds");

        assertEquals(0, run("audit", "verify", audit.toString()), out() + err());
        assertTrue(out().startsWith("valid: ") && out().contains("2 records"), out());
    }

    @Test
    void textOutputShowsEveryPartAndAVerdictThatCannotBeMissed() {
        List<String> args = council("--threshold", "1", "--max-local", "2", "Is", "it", "urgent?");
        int code = run(args.toArray(String[]::new));
        String text = out();
        assertTrue(text.contains("== Members") && text.contains("[tiny-7]") && text.contains("== Reviews")
                && text.contains("== Agreement") && text.contains("== Verdict"), text);
        if (code == 3) {
            assertTrue(text.contains("!!! DISAGREEMENT"), text);
        } else {
            assertEquals(0, code, err());
            assertTrue(text.contains("AGREEMENT") && text.contains("overall agreement: 1.00"), text);
        }
        assertTrue(err().contains("[tiny-42] answer done"), err());
    }

    @Test
    void theSameModelTwiceIsSelfConsistencyWithTwoSeeds() throws Exception {
        int code = run("council", "--member", tiny42.toString(), "--member", tiny42.toString(), "--no-review",
                "--thinking-budget", "20", "--answer-budget", "8", "--threads", "1", "--json", "hi");
        JsonNode j = new ObjectMapper().readTree(out());
        assertTrue(code == 0 || code == 3, err());
        assertEquals("tiny-42", j.at("/members/0/name").asText());
        assertEquals("tiny-42#2", j.at("/members/1/name").asText());
        assertEquals(0, j.get("reviews").size());
    }

    @Test
    void cascadeRecordsItsPathAndCosts() throws Exception {
        Path audit = dir.resolve("cascade.jsonl");
        int code = run("cascade", "--fast", tiny42.toString(), "--member", tiny7.toString(), "--member",
                tiny9.toString(), "--schema", schema.toString(), "--confidence-field", "/confidence",
                "--min-confidence", "1e300", "--thinking-budget", "12", "--answer-budget", "96", "--threads", "1",
                "--audit", audit.toString(), "--json", "Is", "it", "urgent?");
        JsonNode j = new ObjectMapper().readTree(out());
        assertEquals(j.get("resolved").asBoolean() ? 0 : 3, code, err());
        JsonNode path = j.get("path");
        assertEquals("fast", path.get(0).get("step").asText());
        assertEquals("ESCALATED", path.get(0).get("status").asText(), path.toString());
        assertEquals(0, path.at("/0/usage/thinkingTokens").asInt());
        assertTrue(path.get(0).get("elapsedMs").asDouble() > 0);
        assertEquals("council", path.get(path.size() - 1).get("step").asText(), path.toString());
        assertEquals(0, run("audit", "verify", audit.toString()), out());
    }

    @Test
    void cascadeNovelSkipsTheFastStep() throws Exception {
        int code = run("cascade", "--fast", tiny42.toString(), "--novel", "--thinking-budget", "8",
                "--answer-budget", "8", "--threads", "1", "--json", "hi");
        assertEquals(0, code, err());
        JsonNode j = new ObjectMapper().readTree(out());
        assertEquals("SKIPPED", j.at("/path/0/status").asText());
        assertEquals("deep", j.get("decidedBy").asText());
    }

    @Test
    void reasonAppendsToTheAuditTrailAndVerifyCatchesTamperingAndTears() throws Exception {
        Path audit = dir.resolve("reason.jsonl");
        for (int i = 0; i < 3; i++) {
            assertEquals(0, run("reason", "--model", tiny42.toString(), "--thinking-budget", "4", "--answer-budget",
                    "4", "--seed", "" + i, "--audit", audit.toString(), "--json", "hi"), err());
        }
        assertEquals(0, run("audit", "verify", audit.toString()));
        assertTrue(out().contains("4 records"), out());
        byte[] good = Files.readAllBytes(audit);
        List<String> lines = Files.readAllLines(audit);

        byte[] flipped = good.clone();
        flipped[lines.get(0).length() + 1 + lines.get(1).length() + 1 + 10] ^= 0x04; // inside line 3
        Files.write(audit, flipped);
        assertEquals(3, run("audit", "verify", audit.toString()));
        assertTrue(out().startsWith("TAMPERED: ") && out().contains("line 3:"), out());

        Files.write(audit, (lines.get(0) + "\n" + lines.get(2) + "\n" + lines.get(1) + "\n" + lines.get(3) + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(3, run("audit", "verify", audit.toString()));
        assertTrue(out().contains("line 2:"), out());

        Files.write(audit, (lines.get(0) + "\n" + lines.get(1) + "\n" + lines.get(3) + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(3, run("audit", "verify", audit.toString()));
        assertTrue(out().contains("line 3:"), out());

        Files.write(audit, java.util.Arrays.copyOf(good, good.length - 5));
        assertEquals(4, run("audit", "verify", audit.toString()));
        assertTrue(out().startsWith("TORN: ") && out().contains("line 4:"), out());
        assertEquals(1, run("reason", "--model", tiny42.toString(), "--audit", audit.toString(), "hi"));
        assertTrue(err().contains("does not verify") && err().contains("line 4"), err());

        assertEquals(1, run("audit", "verify", dir.resolve("missing.jsonl").toString()));
        assertEquals("deliberate: audit trail not found: " + dir.resolve("missing.jsonl"), err().strip());
    }

    @Test
    void badCouncilArgumentsAreUsageErrors() {
        assertEquals(2, run("council", "--member", tiny42.toString(), "--threshold", "2", "hi"));
        assertTrue(err().contains("--threshold must be in [0, 1]"), err());
        assertEquals(2, run("council", "--member", tiny42.toString(), "--quorum", "2", "hi"));
        assertTrue(err().contains("--quorum must be in [0, 1]"), err());
        assertEquals(2, run("council", "--member", tiny42.toString(), "--consensus", "loudest", "hi"));
        assertEquals(2, run("council", "hi"));
        assertEquals(1, run("council", "--member", dir.resolve("none.gguf").toString(), "hi"));
        assertTrue(err().contains("model file not found"), err());
    }
}

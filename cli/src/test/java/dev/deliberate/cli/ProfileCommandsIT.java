package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code council}, {@code cascade} and {@code serve} with {@code --profile} on generated tiny models: the profile's
 * system prompt reaches the model, its schema constrains every answer, its thinking budget bounds every call, its
 * council quorum and threshold and its cascade settings apply, and its safety rules judge the answer. The schema has
 * one possible answer ({@code {"flag":"stop"}}) and the safety rules escalate exactly that answer, so the outcome is
 * known whatever the random weights say.
 */
class ProfileCommandsIT extends InProcessCli {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MARKER = "You are the PROFILE-7731 weld grader.";

    @TempDir
    static Path dir;

    static Path tiny42;
    static Path tiny7;
    static Path tiny9;
    static Path profile;

    @TempDir
    Path work;

    @BeforeAll
    static void make() throws Exception {
        tiny42 = dir.resolve("tiny-42.gguf");
        tiny7 = dir.resolve("tiny-7.gguf");
        tiny9 = dir.resolve("tiny-9.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 42).writeGguf(tiny42);
        TestModelGenerator.of(TestModelPreset.TINY, 7).writeGguf(tiny7);
        TestModelGenerator.of(TestModelPreset.TINY, 9).writeGguf(tiny9);
        profile = Files.createDirectories(dir.resolve("profile"));
        Files.writeString(profile.resolve("prompt.txt"), MARKER);
        Files.writeString(profile.resolve("answer.json"), "{\"type\":\"object\",\"properties\":{\"flag\":{\"enum\":"
                + "[\"stop\"]}},\"required\":[\"flag\"],\"additionalProperties\":false}");
        Files.writeString(profile.resolve("profile.json"), """
                {"profile": "weld-test", "version": "1.0", "systemPrompt": "prompt.txt",
                 "answerSchema": "answer.json",
                 "safety": {"escalateWhen": [{"field": "flag", "in": ["stop"]}]},
                 "defaults": {"thinkingBudget": 8, "answerMaxTokens": 48},
                 "cascade": {"fastThinkingBudget": 0, "escalateNovel": false},
                 "council": {"quorum": 3, "disagreementThreshold": 0.42}}
                """);
    }

    private List<String> council(List<Path> members, String... extra) {
        List<String> args = new ArrayList<>(List.of("council"));
        members.forEach(m -> args.addAll(List.of("--member", m.toString())));
        args.addAll(List.of("--profile", profile.toString(), "--no-review", "--seed", "1", "--threads", "1",
                "--context", "2048", "--json"));
        args.addAll(List.of(extra));
        args.add("Crack at the toe?");
        return args;
    }

    @Test
    void councilAsksEveryMemberTheProfilesRequestWithItsBudgetQuorumThresholdAndSafetyRules() throws Exception {
        Path audit = work.resolve("audit.jsonl");
        int code = run(council(List.of(tiny42, tiny7, tiny9), "--audit", audit.toString())
                .toArray(String[]::new));
        assertEquals(0, code, err());
        JsonNode j = JSON.readTree(out());
        assertEquals(0.42, j.get("threshold").asDouble(), 1e-12, "the profile's threshold");
        assertEquals(JSON.readTree("{\"flag\":\"stop\"}"), j.get("finalAnswer"), "the profile's schema");
        for (JsonNode m : j.get("members")) {
            assertEquals(JSON.readTree("{\"flag\":\"stop\"}"), JSON.readTree(m.get("answer").asText()), m.toString());
        }
        assertTrue(j.at("/usage/thinkingTokens").asInt() <= 3 * 8, "8 thinking tokens per call: " + j.get("usage"));
        assertTrue(Files.readString(audit).contains(MARKER), "the profile's system prompt was asked");
        assertTrue(err().contains("safety (weld-test@1.0): ESCALATE: flag is \"stop\""), err());
        // the profile's quorum is 3: two members are too few, unless --quorum says otherwise
        assertEquals(1, run(council(List.of(tiny42, tiny7)).toArray(String[]::new)), err());
        assertTrue(err().contains("quorum 3 is more than the"), err());
        assertEquals(0, run(council(List.of(tiny42, tiny7), "--quorum", "2").toArray(String[]::new)), err());
    }

    @Test
    void cascadeTakesTheProfilesBudgetsAndEscalatesOnItsSafetyRules() throws Exception {
        int code = run("cascade", "--fast", tiny42.toString(), "--deep", tiny7.toString(), "--profile",
                profile.toString(), "--novel", "--seed", "1", "--threads", "1", "--context", "2048", "--json",
                "Crack at the toe?");
        assertEquals(3, code, "the safety rules escalate every answer, so the case stays unresolved: " + err());
        JsonNode j = JSON.readTree(out());
        JsonNode path = j.get("path");
        assertEquals(2, path.size(), path.toString());
        // escalateNovel is false in the profile: --novel does not skip the fast step
        assertEquals("FAST", path.at("/0/tier").asText());
        assertEquals("ESCALATED", path.at("/0/status").asText(), path.toString());
        assertEquals(0, path.at("/0/usage/thinkingTokens").asInt(), "fastThinkingBudget 0");
        assertEquals("safety: flag is \"stop\"", path.at("/0/reason").asText());
        assertEquals("DEEP", path.at("/1/tier").asText());
        assertTrue(path.at("/1/usage/thinkingTokens").asInt() <= 8, "the profile's thinking budget");
        assertEquals("safety: flag is \"stop\"", path.at("/1/reason").asText());
        assertEquals(JSON.readTree("{\"flag\":\"stop\"}"), j.get("answerJson"));
        assertTrue(err().contains("safety (weld-test@1.0): ESCALATE: flag is \"stop\""), err());
        // a bad combination is a usage error
        assertEquals(2, run("cascade", "--fast", tiny42.toString(), "--profile", profile.toString(), "--system",
                "x", "q"));
        assertTrue(err().startsWith("--profile brings its own system prompt and answer schema"), err());
    }

    @Test
    void serveAnswersUnderTheProfileWhenTheClientSendsNoSchemaOrBudget() throws Exception {
        String key = "sk-profile-it-0042";
        try (ServeProcess serve = ServeProcess.start(tiny42, key, List.of("--profile", profile.toString(),
                "--model-id", "weld"))) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(serve.base() + "/chat/completions")).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"weld\",\"seed\":3,\"messages\":"
                            + "[{\"role\":\"user\",\"content\":\"Crack at the toe?\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode body = JSON.readTree(r.body());
            String content = body.at("/choices/0/message/content").asText();
            assertEquals(JSON.readTree("{\"flag\":\"stop\"}"), JSON.readTree(content), "the profile's schema");
            int thinking = body.at("/usage/completion_tokens_details/reasoning_tokens").asInt();
            assertTrue(thinking <= 8, "the profile's thinking budget, not the medium effort's: " + thinking);
        }
    }
}

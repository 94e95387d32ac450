package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.openai.FakeOpenAiServer;
import org.junit.jupiter.api.Test;

/** {@code deliberate reason --model http://...}: a remote model through the same command (simulated server). */
class RemoteReasonCommandTest extends InProcessCli {

    private static final String KEY = "sk-cli-test-key-0123456789";

    @Test
    void reasonsWithARemoteModelAndNeverPrintsTheKey() throws Exception {
        try (FakeOpenAiServer server = new FakeOpenAiServer(FakeOpenAiServer.Dialect.REASONING_CONTENT, "r1", KEY)
                .thinking(30).tokenDelayMicros(0)) {
            int code = run("reason", "--model", server.baseUrl().toString(), "--api-key", KEY, "--json",
                    "--thinking-budget", "8", "--answer-budget", "16", "Is", "1013", "prime?");
            assertEquals(0, code, err());
            JsonNode r = new ObjectMapper().readTree(out());
            assertFalse(r.path("thinking").asText().isEmpty());
            assertFalse(r.path("answer").asText().isEmpty());
            assertEquals("THINKING_BUDGET", r.path("finish").asText());
            assertFalse(out().contains(KEY) || err().contains(KEY));
            assertEquals("Bearer " + KEY, server.authorizations.get(0));
        }
    }

    @Test
    void aWrongKeyFailsWithOneLineWithoutTheKey() throws Exception {
        try (FakeOpenAiServer server = new FakeOpenAiServer(FakeOpenAiServer.Dialect.REASONING, "r1", KEY)) {
            String wrong = "sk-not-the-right-one-42424242";
            int code = run("reason", "--model", server.baseUrl().toString(), "--api-key", wrong, "q");
            assertEquals(1, code);
            assertTrue(err().contains("HTTP 401"), err());
            assertFalse(err().contains(wrong) || err().contains("4242") || out().contains(wrong), err());
        }
    }

    @Test
    void repeatedEndpointsFormAFleet() throws Exception {
        try (FakeOpenAiServer a = new FakeOpenAiServer(FakeOpenAiServer.Dialect.REASONING, "r1", null)
                        .thinking(5).tokenDelayMicros(0);
                FakeOpenAiServer b = new FakeOpenAiServer(FakeOpenAiServer.Dialect.REASONING, "r1", null)
                        .thinking(5).tokenDelayMicros(0)) {
            assertEquals(0, run("reason", "--model", a.baseUrl().toString(), "--endpoint", b.baseUrl().toString(),
                    "--remote-model", "r1", "--json", "q"), err());
            JsonNode r = new ObjectMapper().readTree(out());
            assertTrue(r.path("model").toString().contains("fleet["), r.path("model").toString());
        }
    }
}

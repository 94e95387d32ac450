package dev.deliberate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.ReasoningRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a chat-completions body becomes a {@link ReasoningRequest}, and what it refuses. */
class ChatRequestTest {

    static final ReasoningEfforts EFFORTS = new ReasoningEfforts(10, 100, 1000);

    static ChatRequest parse(String extra) throws Exception {
        return ChatRequest.parse(body(extra), "m", EFFORTS);
    }

    static JsonNode body(String extra) throws Exception {
        return Http.JSON.readTree("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]" + extra
                + "}");
    }

    static ApiException refused(String extra) {
        return assertThrows(ApiException.class, () -> parse(extra));
    }

    @Test
    void defaultsAreTheMediumEffortBudgetTextAnswersAndNoStream() throws Exception {
        ChatRequest c = parse("");
        assertEquals(100, c.request().thinkingBudget().maxTokens());
        assertEquals(ReasoningRequest.DEFAULT_ANSWER_MAX_TOKENS, c.request().answerMaxTokens());
        assertEquals(AnswerFormat.text(), c.request().answerFormat());
        assertFalse(c.stream());
        assertFalse(c.includeUsage());
    }

    @Test
    void thinkingBudgetWinsOverReasoningEffortAndEffortsMapToTheConfiguredBudgets() throws Exception {
        assertEquals(7, parse(",\"thinking_budget\":7,\"reasoning_effort\":\"high\"").request().thinkingBudget()
                .maxTokens());
        assertEquals(10, parse(",\"reasoning_effort\":\"low\"").request().thinkingBudget().maxTokens());
        assertEquals(1000, parse(",\"reasoning_effort\":\"HIGH\"").request().thinkingBudget().maxTokens());
        assertEquals(0, parse(",\"reasoning_effort\":\"minimal\"").request().thinkingBudget().maxTokens());
        assertEquals(0, parse(",\"thinking_budget\":0").request().thinkingBudget().maxTokens());
        assertEquals("reasoning_effort", refused(",\"reasoning_effort\":3").param.orElse(""));
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokensAndBoundsTheAnswer() throws Exception {
        assertEquals(5, parse(",\"max_completion_tokens\":5,\"max_tokens\":9").request().answerMaxTokens());
        assertEquals(9, parse(",\"max_tokens\":9").request().answerMaxTokens());
        assertEquals(ReasoningRequest.DEFAULT_ANSWER_MAX_TOKENS, parse(",\"max_tokens\":null").request()
                .answerMaxTokens());
        assertEquals("max_tokens", refused(",\"max_tokens\":\"9\"").param.orElse(""));
        assertEquals("max_completion_tokens", refused(",\"max_completion_tokens\":4294967296").param.orElse(""));
    }

    @Test
    void samplingSeedAndStopsAreMapped() throws Exception {
        ReasoningRequest r = parse(",\"temperature\":0,\"top_p\":0.5,\"seed\":-3,\"stop\":[\"END\",\"\\n\\n\"]")
                .request();
        assertEquals(0, r.sampling().temperature());
        assertEquals(0.5, r.sampling().topP());
        assertEquals(-3, r.sampling().seed().getAsLong());
        assertEquals(List.of("END", "\n\n"), r.stop());
        assertEquals(List.of("X"), parse(",\"stop\":\"X\"").request().stop());
        assertEquals("stop", refused(",\"stop\":[" + "\"s\",".repeat(16) + "\"s\"]").param.orElse(""));
        assertEquals("seed", refused(",\"seed\":1.5").param.orElse(""));
        assertEquals("top_p", refused(",\"top_p\":0").param.orElse(""));
    }

    @Test
    void messagesKeepTheirRolesAndTextPartsAreJoined() throws Exception {
        JsonNode b = Http.JSON.readTree("{\"model\":\"m\",\"messages\":[{\"role\":\"developer\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]},"
                + "{\"role\":\"assistant\",\"content\":\"ok\",\"reasoning_content\":\"ignored\"},"
                + "{\"role\":\"user\",\"content\":\"again\"}]}");
        List<ChatMessage> m = ChatRequest.parse(b, "m", EFFORTS).request().messages();
        assertEquals(List.of(ChatMessage.system("be brief"), ChatMessage.user("ab"), ChatMessage.assistant("ok"),
                ChatMessage.user("again")), m);
    }

    @Test
    void responseFormatsBecomeAnswerFormats() throws Exception {
        assertTrue(parse(",\"response_format\":{\"type\":\"json_object\"}").schemaAnswer());
        ChatRequest c = parse(",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\","
                + "\"strict\":true,\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}}}");
        AnswerFormat.Json json = (AnswerFormat.Json) c.request().answerFormat();
        assertEquals("integer", json.schema().at("/properties/a/type").asText());
        assertFalse(parse(",\"response_format\":{\"type\":\"text\"}").schemaAnswer());
        ApiException bad = refused(",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":"
                + "{\"minimum\":\"three\"}}}");
        assertEquals("invalid_schema", bad.code.orElse(""));
        assertEquals(400, bad.status);
        assertEquals("response_format.json_schema.schema",
                refused(",\"response_format\":{\"type\":\"json_schema\"}").param.orElse(""));
    }

    @Test
    void streamOptionsAreRead() throws Exception {
        ChatRequest c = parse(",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        assertTrue(c.stream());
        assertTrue(c.includeUsage());
        assertEquals("stream_options", refused(",\"stream_options\":true").param.orElse(""));
    }

    @Test
    void anotherModelIs404AndUnsupportedFeaturesAre400() {
        ApiException other = assertThrows(ApiException.class, () -> ChatRequest.parse(body(""), "served", EFFORTS));
        assertEquals(404, other.status);
        assertEquals("model_not_found", other.code.orElse(""));
        assertEquals("n", refused(",\"n\":3").param.orElse(""));
        assertEquals("functions", refused(",\"functions\":[{\"name\":\"f\"}]").param.orElse(""));
        assertEquals("logprobs", refused(",\"logprobs\":true").param.orElse(""));
        parseQuietly(",\"tools\":[],\"n\":1,\"logprobs\":false,\"user\":\"u\",\"frequency_penalty\":0.5");
    }

    static void parseQuietly(String extra) {
        try {
            parse(extra);
        } catch (Exception e) {
            throw new AssertionError("should be accepted: " + extra, e);
        }
    }

    @Test
    void aClientsTextInAnErrorIsClipped() {
        ApiException e = refused(",\"messages\":[{\"role\":\"" + "r".repeat(500) + "\",\"content\":\"x\"}]");
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }

    /** A profile with a schema, a glossary, budgets and a deadline, written to {@code dir}. */
    static dev.deliberate.core.profile.DomainProfile profile(java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("prompt.txt"), "You grade welds.");
        java.nio.file.Files.writeString(dir.resolve("answer.json"), "{\"type\":\"object\",\"properties\":"
                + "{\"defect\":{\"type\":\"string\"}},\"required\":[\"defect\"],\"additionalProperties\":false}");
        java.nio.file.Files.writeString(dir.resolve("profile.json"), "{\"profile\": \"weld\", \"version\": \"2.0\","
                + " \"systemPrompt\": \"prompt.txt\", \"answerSchema\": \"answer.json\", \"glossary\": {\"toe\":"
                + " \"where the weld meets the metal\"}, \"defaults\": {\"thinkingBudget\": 77, \"deadline\": \"9s\","
                + " \"answerMaxTokens\": 55}}");
        return dev.deliberate.core.profile.DomainProfile.load(dir);
    }

    @Test
    void aProfileGivesPromptSchemaAndBudgetsWhereTheClientSendsNone(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        var profile = profile(dir);
        ChatRequest c = ChatRequest.parse(body(""), "m", EFFORTS, java.util.Optional.of(profile));
        ReasoningRequest r = c.request();
        assertEquals(ChatMessage.system(profile.fullSystemPrompt()), r.messages().get(0));
        assertTrue(r.messages().get(0).content().contains("You grade welds.")
                && r.messages().get(0).content().contains("toe: where the weld meets the metal"));
        assertEquals(ChatMessage.user("q"), r.messages().get(1));
        assertEquals(profile.answerFormat(), r.answerFormat());
        assertTrue(c.schemaAnswer());
        assertEquals(77, r.thinkingBudget().maxTokens());
        assertEquals(java.util.Optional.of(java.time.Duration.ofSeconds(9)), r.thinkingBudget().timeout());
        assertEquals(55, r.answerMaxTokens());
    }

    @Test
    void whatTheClientSendsWinsOverTheProfileButItsDeadlineStays(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        var profile = profile(dir);
        ChatRequest c = ChatRequest.parse(body(",\"thinking_budget\":5,\"max_tokens\":9,"
                + "\"response_format\":{\"type\":\"text\"}"), "m", EFFORTS, java.util.Optional.of(profile));
        assertEquals(5, c.request().thinkingBudget().maxTokens());
        assertEquals(java.util.Optional.of(java.time.Duration.ofSeconds(9)), c.request().thinkingBudget().timeout());
        assertEquals(9, c.request().answerMaxTokens());
        assertEquals(AnswerFormat.text(), c.request().answerFormat());
        ChatRequest effort = ChatRequest.parse(body(",\"reasoning_effort\":\"high\""), "m", EFFORTS,
                java.util.Optional.of(profile));
        assertEquals(1000, effort.request().thinkingBudget().maxTokens());
    }
}

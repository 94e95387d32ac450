package dev.deliberate.robotics.rosbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.robotics.InvalidGoalException;
import dev.deliberate.robotics.internal.BoundedJson;
import dev.deliberate.robotics.reason.ReasonFeedback;
import dev.deliberate.robotics.reason.ReasonGoal;
import dev.deliberate.robotics.reason.ReasonResult;
import dev.deliberate.robotics.reason.RosDuration;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CodecAndBoundsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ReasonActionCodec CODEC = ReasonActionCodec.INSTANCE;

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void goalFieldsMissingTakeRosDefaults() throws Exception {
        assertEquals(new ReasonGoal("", "", RosDuration.ZERO), CODEC.decodeGoal(json("{}")));
        assertEquals(new ReasonGoal("", "", RosDuration.ZERO), CODEC.decodeGoal(null));
        ReasonGoal g = CODEC.decodeGoal(json(
                "{\"task\":\"t\",\"context_json\":\"{}\",\"deadline\":{\"sec\":1,\"nanosec\":500000000}}"));
        assertEquals(Duration.ofMillis(1500), g.deadline().toDuration());
    }

    @Test
    void goalFieldsOfTheWrongTypeOrRangeAreRejected() {
        for (String bad : new String[] {"[]", "{\"task\":5}", "{\"context_json\":{}}", "{\"deadline\":3}",
                "{\"deadline\":{\"sec\":1.5}}", "{\"deadline\":{\"sec\":3000000000}}",
                "{\"deadline\":{\"nanosec\":-1}}", "{\"deadline\":{\"nanosec\":1000000000}}"}) {
            assertThrows(InvalidGoalException.class, () -> CODEC.decodeGoal(json(bad)), bad);
        }
    }

    @Test
    void goalRoundTripsThroughTheRosbridgeJson() {
        ReasonGoal g = new ReasonGoal("obstacle \"ahead\"", "{\"a\":[1,2]}", new RosDuration(2, 250_000_000));
        assertEquals(g, CODEC.decodeGoal(CODEC.encodeGoal(g)));
    }

    @Test
    void feedbackAndResultUseTheActionFieldNamesAndJsonTypes() {
        JsonNode f = CODEC.encodeFeedback(new ReasonFeedback("thinking", "hmm", 4_000_000_000L));
        assertTrue(f.path("thinking_tokens").isIntegralNumber());
        assertEquals(4_000_000_000L, f.path("thinking_tokens").longValue());
        JsonNode r = CODEC.encodeResult(new ReasonResult("{\"action\":\"stop\"}", "why", true, "FALLBACK_DEADLINE"));
        assertTrue(r.path("fallback_used").isBoolean());
        assertEquals("{\"action\":\"stop\"}", r.path("decision_json").asText());
        assertThrows(IllegalArgumentException.class, () -> new ReasonFeedback("x", "", 1L << 32));
    }

    @Test
    void latestMessagesKeepsBoundedTopicsAndSizes() throws Exception {
        LatestMessages m = new LatestMessages(2, 100);
        assertTrue(m.put("/a", json("{\"data\":\"1\"}"), 12));
        assertTrue(m.put("/b", json("{\"data\":\"2\"}"), 12));
        assertFalse(m.put("/c", json("{\"data\":\"3\"}"), 12), "a third topic is beyond the bound");
        assertFalse(m.put("/a", json("{\"data\":\"big\"}"), 101), "too large: the previous value stays");
        assertEquals("1", m.latest().get("/a").path("data").asText());
        assertTrue(m.put("/a", json("{\"data\":\"new\"}"), 14));
        assertEquals("new", m.latest().get("/a").path("data").asText());
    }

    @Test
    void backoffGrowsToItsBound() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2);
        assertEquals(Duration.ofMillis(100), b.delay(0));
        assertEquals(Duration.ofMillis(400), b.delay(2));
        assertEquals(Duration.ofSeconds(1), b.delay(10));
        assertEquals(Duration.ofSeconds(1), b.delay(Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1),
                2));
    }

    @Test
    void boundedJsonRefusesLongDeepDuplicateAndTrailingInput() {
        BoundedJson j = new BoundedJson(1000, 8);
        assertThrows(BoundedJson.MalformedJsonException.class, () -> j.parse("\"" + "a".repeat(1000) + "\""));
        assertThrows(BoundedJson.MalformedJsonException.class, () -> j.parse("[[[[[[[[[[1]]]]]]]]]]"));
        assertThrows(BoundedJson.MalformedJsonException.class, () -> j.parse("{\"a\":1,\"a\":2}"));
        assertThrows(BoundedJson.MalformedJsonException.class, () -> j.parse("{} {}"));
        assertThrows(BoundedJson.MalformedJsonException.class, () -> j.parse(""));
        assertThrows(BoundedJson.MalformedJsonException.class, () -> j.parse("NaN"));
        assertEquals("\"\\u003c/data\\u003e \\u0026\"", j.quoteString("</data> &"));
    }
}

package dev.deliberate.robotics.rosbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.robotics.testing.ChildProcess;
import dev.deliberate.robotics.testing.Peers;
import dev.deliberate.robotics.testing.Relay;
import dev.deliberate.robotics.testing.RoslibCaller;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves the relay fixture with roslib 2.1.0 on both sides (roslib advertiser, roslib caller) before the SDK's node is
 * put in the advertiser's place ({@link RosbridgeActionNodeIT}).
 */
class RelayWithRoslibIT {

    @Test
    void roslibAdvertiserAnswersRoslibCallerThroughTheRelay() throws Exception {
        Peers.nodeDir();
        try (Relay relay = Relay.start(0);
                ChildProcess advertiser = ChildProcess.start(Peers.nodeDir(), "advertiser.mjs",
                        List.of("--url", relay.uri().toString(), "--delay-ms", "300"))) {
            assertTrue(relay.awaitLog("ADVERTISED /deliberate/reason deliberate_msgs/action/Reason",
                    Duration.ofSeconds(20)), relay.output().toString());
            RoslibCaller caller = new RoslibCaller()
                    .reason("obstacle ahead", "{}", 1000)
                    .goal("{\"task\":\"to cancel\"}", g -> g.put("cancelOnFeedback", true));
            RoslibCaller.Outcome out = caller.run(relay.uri().toString(), Duration.ofSeconds(30));

            JsonNode ok = out.goal(0);
            assertTrue(ok.path("ok").asBoolean(), ok.toString());
            assertEquals("{\"action\":\"stop\"}", ok.path("result").path("decision_json").asText());
            assertEquals("thinking", ok.path("feedback").get(0).path("phase").asText());
            assertEquals("task: obstacle ahead", ok.path("feedback").get(0).path("thinking_excerpt").asText());

            JsonNode cancelled = out.goal(1);
            assertFalse(cancelled.path("ok").asBoolean());
            assertTrue(cancelled.path("error").asText().contains("Action was canceled"), cancelled.toString());
            assertEquals(List.of(), relay.protocolErrors());
        }
    }

    @Test
    void relayAnswersGoalsForAnActionNobodyAdvertisedWithAFailure() throws Exception {
        try (Relay relay = Relay.start(0)) {
            RoslibCaller.Outcome out = new RoslibCaller().reason("anyone?", "", 100)
                    .run(relay.uri().toString(), Duration.ofSeconds(30));
            assertFalse(out.goal(0).path("ok").asBoolean());
            assertTrue(out.goal(0).path("error").asText().contains("not advertised"), out.goal(0).toString());
        }
    }
}

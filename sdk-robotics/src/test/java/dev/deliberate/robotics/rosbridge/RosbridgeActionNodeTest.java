package dev.deliberate.robotics.rosbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.robotics.action.ActionServer;
import dev.deliberate.robotics.reason.DeadlineReasoner;
import dev.deliberate.robotics.reason.DecisionGuard;
import dev.deliberate.core.budget.DecodeRateEstimator;
import dev.deliberate.robotics.reason.ReasonFeedback;
import dev.deliberate.robotics.reason.ReasonGoal;
import dev.deliberate.robotics.reason.ReasonResult;
import dev.deliberate.robotics.testing.TestModels;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.Test;

/**
 * The node against a scripted in-process bridge that sends what a real bridge never should: garbage, oversized and
 * deeply nested frames, unknown ops, goals with wrong field types. The node must ignore or abort them and keep serving.
 * (Wire compatibility with roslib is judged in {@link RosbridgeActionNodeIT}.)
 */
class RosbridgeActionNodeTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final DecisionGuard GUARD = DecisionGuard.of(
            "{\"type\":\"object\",\"required\":[\"action\"],\"properties\":{\"action\":{\"enum\":[\"go\",\"stop\"]}}}");

    /** A WebSocket server playing rosbridge by script. */
    static final class ScriptedBridge extends WebSocketServer {
        final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        final CountDownLatch started = new CountDownLatch(1);
        volatile WebSocket client;
        final BlockingQueue<WebSocket> connections = new LinkedBlockingQueue<>();

        ScriptedBridge() {
            super(new InetSocketAddress("127.0.0.1", 0));
            setReuseAddr(true);
            setDaemon(true);
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            client = conn;
            connections.add(conn);
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) { }

        @Override
        public void onMessage(WebSocket conn, String message) {
            try {
                received.add(JSON.readTree(message));
            } catch (Exception e) {
                received.add(JSON.getNodeFactory().textNode("UNPARSEABLE " + message));
            }
        }

        @Override
        public void onError(WebSocket conn, Exception ex) { }

        @Override
        public void onStart() {
            started.countDown();
        }

        JsonNode await(Predicate<JsonNode> match) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < end) {
                JsonNode m = received.poll(100, TimeUnit.MILLISECONDS);
                if (m != null && match.test(m)) {
                    return m;
                }
            }
            throw new AssertionError("no matching message from the node");
        }

        URI uri() {
            return URI.create("ws://127.0.0.1:" + getPort());
        }
    }

    static Predicate<JsonNode> op(String name) {
        return m -> name.equals(m.path("op").asText());
    }

    static Set<String> keys(JsonNode m) {
        Set<String> k = new TreeSet<>();
        m.fieldNames().forEachRemaining(k::add);
        return k;
    }

    static ActionServer<ReasonGoal, ReasonFeedback, ReasonResult> server(ReasoningModel model) {
        return ActionServer.builder("reason", DeadlineReasoner.builder(model, GUARD, "{\"action\":\"stop\"}")
                .estimator(new DecodeRateEstimator(200, Duration.ofMillis(5), 20, 0.8))
                .feedbackInterval(Duration.ZERO).build()).maxConcurrentGoals(2).build();
    }

    static String goal(String id, String task) {
        return "{\"op\":\"send_action_goal\",\"id\":\"" + id + "\",\"action\":\"/deliberate/reason\","
                + "\"action_type\":\"deliberate_msgs/action/Reason\",\"feedback\":true,\"args\":{\"task\":\"" + task
                + "\",\"context_json\":\"\",\"deadline\":{\"sec\":5,\"nanosec\":0}}}";
    }

    @Test
    void malformedFramesAreIgnoredAndTheNodeKeepsServing() throws Exception {
        ScriptedBridge bridge = new ScriptedBridge();
        bridge.start();
        bridge.started.await();
        try (var server = server(new TestModels.InstantModel("{\"action\":\"go\"}"));
                var node = RosbridgeActionNode.builder(bridge.uri(), "/deliberate/reason",
                        ReasonActionCodec.INSTANCE, server).build()) {
            node.start();
            JsonNode advertise = bridge.await(op("advertise_action"));
            assertEquals(Set.of("op", "action", "type"), keys(advertise));
            assertEquals("/deliberate/reason", advertise.path("action").asText());
            assertEquals("deliberate_msgs/action/Reason", advertise.path("type").asText());

            WebSocket c = bridge.client;
            c.send("not json at all");
            c.send("{\"op\":\"send_action_goal\"");
            c.send("[".repeat(5000) + "]".repeat(5000));
            c.send("{\"op\":\"publish\",\"topic\":\"/x\",\"msg\":{\"data\":\"" + "a".repeat(2_000_000) + "\"}}");
            c.send("{\"op\":\"launch_missiles\"}");
            c.send("{\"op\":\"send_action_goal\",\"action\":\"/deliberate/reason\",\"args\":{}}"); // no id
            c.send(goal("other", "x").replace("/deliberate/reason", "/someone/else"));
            c.send("{\"op\":\"cancel_action_goal\",\"id\":\"never-sent\",\"action\":\"/deliberate/reason\"}");
            c.send("{\"op\":\"send_action_goal\",\"id\":\"typed-wrong\",\"action\":\"/deliberate/reason\","
                    + "\"action_type\":\"deliberate_msgs/action/Reason\",\"args\":{\"task\":5}}");
            c.send("{\"op\":\"send_action_goal\",\"id\":\"nanos-wrong\",\"action\":\"/deliberate/reason\","
                    + "\"args\":{\"task\":\"t\",\"deadline\":{\"sec\":1,\"nanosec\":1000000000}}}");
            c.send(new byte[] {1, 2, 3});

            JsonNode abort1 = bridge.await(m -> op("action_result").test(m)
                    && "typed-wrong".equals(m.path("id").asText()));
            assertEquals(Set.of("op", "id", "action", "values", "status", "result"), keys(abort1));
            assertEquals(true, abort1.path("result").asBoolean(false));
            assertEquals(6, abort1.path("status").asInt());
            assertFallback(abort1, "FALLBACK_INVALID_GOAL");
            bridge.await(m -> op("action_result").test(m) && "nanos-wrong".equals(m.path("id").asText()));

            c.send(goal("action_goal:/deliberate/reason:1", "obstacle"));
            JsonNode feedback = bridge.await(op("action_feedback"));
            assertEquals(Set.of("op", "id", "action", "values"), keys(feedback));
            assertEquals(Set.of("phase", "thinking_excerpt", "thinking_tokens"), keys(feedback.path("values")));
            JsonNode result = bridge.await(m -> op("action_result").test(m)
                    && "action_goal:/deliberate/reason:1".equals(m.path("id").asText()));
            assertEquals(Set.of("op", "id", "action", "values", "status", "result"), keys(result));
            assertTrue(result.path("status").isInt() && result.path("status").asInt() == 4);
            assertTrue(result.path("result").isBoolean() && result.path("result").asBoolean());
            assertEquals(Set.of("decision_json", "rationale", "fallback_used", "finish", "path", "path_reason",
                    "model", "thinking_tokens_planned", "thinking_tokens_used"), keys(result.path("values")));
            assertEquals("deep", result.path("values").path("path").asText());
            assertEquals("instant", result.path("values").path("model").asText());
            assertEquals("{\"action\":\"go\"}", result.path("values").path("decision_json").asText());
            assertTrue(node.framesIgnored() >= 8, "ignored: " + node.framesIgnored());
            assertEquals(1, node.connectionsOpened());
        } finally {
            bridge.stop(2000);
        }
    }

    static void assertFallback(JsonNode result, String finish) {
        assertEquals(6, result.path("status").asInt(), result.toString());
        assertTrue(result.path("result").asBoolean(false), result.toString());
        JsonNode v = result.path("values");
        assertEquals("{\"action\":\"stop\"}", v.path("decision_json").asText(), result.toString());
        assertTrue(v.path("fallback_used").asBoolean(false));
        assertEquals(finish, v.path("finish").asText());
    }

    static String goalArgs(String id, String args) {
        return "{\"op\":\"send_action_goal\",\"id\":\"" + id + "\",\"action\":\"/deliberate/reason\","
                + "\"action_type\":\"deliberate_msgs/action/Reason\",\"args\":" + args + "}";
    }

    static Predicate<JsonNode> resultOf(String id) {
        return m -> op("action_result").test(m) && id.equals(m.path("id").asText());
    }

    @Test
    void goalsInUnreadableFramesAreAnsweredAbortedWithTheFallbackAndTheConnectionStays() throws Exception {
        ScriptedBridge bridge = new ScriptedBridge();
        bridge.start();
        bridge.started.await();
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        try (var server = server(new TestModels.InstantModel("{\"action\":\"go\"}"));
                var node = RosbridgeActionNode.builder(bridge.uri(), "/deliberate/reason",
                        ReasonActionCodec.INSTANCE, server).build()) {
            node.start();
            bridge.await(op("advertise_action"));
            WebSocket c = bridge.client;
            // 1.1 MB: over the 1 MiB frame bound, under the WebSocket limit
            c.send(goalArgs("big", "{\"task\":\"" + "a".repeat(1_100_000) + "\"}"));
            assertFallback(bridge.await(resultOf("big")), "FALLBACK_INVALID_GOAL");
            // a 1 MiB task: the frame around it is just over the bound
            c.send(goalArgs("mib", "{\"task\":\"" + "b".repeat(1 << 20) + "\",\"context_json\":\"\"}"));
            assertFallback(bridge.await(resultOf("mib")), "FALLBACK_INVALID_GOAL");
            // nested 100k deep, the id before and after the deep part
            String deep = "[".repeat(100_000) + "]".repeat(100_000);
            c.send(goalArgs("deep", "{\"task\":\"t\",\"deadline\":" + deep + "}"));
            assertFallback(bridge.await(resultOf("deep")), "FALLBACK_INVALID_GOAL");
            c.send("{\"op\":\"send_action_goal\",\"args\":" + deep
                    + ",\"id\":\"deep-late\",\"action\":\"/deliberate/reason\"}");
            assertFallback(bridge.await(resultOf("deep-late")), "FALLBACK_INVALID_GOAL");
            // broken JSON after the id
            c.send(goalArgs("broken", "{\"task\":\"t\",,,"));
            assertFallback(bridge.await(resultOf("broken")), "FALLBACK_INVALID_GOAL");

            // a text frame that is not UTF-8: one log line, no stack trace, the connection stays
            byte[] head = goalArgs("utf8", "{\"task\":\"caf").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] tail = "\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.nio.ByteBuffer bad = java.nio.ByteBuffer.allocate(head.length + 2 + tail.length);
            bad.put(head).put((byte) 0xC3).put((byte) 0x28).put(tail).flip();
            org.java_websocket.framing.TextFrame frame = new org.java_websocket.framing.TextFrame();
            frame.setPayload(bad);
            frame.setFin(true);
            System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
            c.sendFrame(frame);
            JsonNode utf8;
            try {
                utf8 = bridge.await(resultOf("utf8"));
            } finally {
                System.setErr(err);
            }
            assertFallback(utf8, "FALLBACK_INVALID_GOAL");
            String logged = log.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(1, logged.lines().filter(l -> !l.isBlank()).count(), logged);
            assertTrue(logged.contains("not valid UTF-8"), logged);

            // the same connection still serves normal goals
            c.send(goal("fine", "obstacle"));
            JsonNode fine = bridge.await(resultOf("fine"));
            assertEquals(4, fine.path("status").asInt());
            assertEquals(1, node.connectionsOpened());
            assertEquals(6, node.unreadableGoalsAnswered());
        } finally {
            System.setErr(err);
            bridge.stop(2000);
        }
    }

    @Test
    void queuedAndDuplicateGoalsMeetTheirDeadlinesAndAFullQueueAnswersWithTheFallback() throws Exception {
        ScriptedBridge bridge = new ScriptedBridge();
        bridge.start();
        bridge.started.await();
        try (var model = new TestModels.SlowModel(Duration.ofMillis(2), false);
                var server = ActionServer.builder("reason", DeadlineReasoner.builder(model, GUARD,
                        "{\"action\":\"stop\"}").build()).queueCapacity(2).build();
                var node = RosbridgeActionNode.builder(bridge.uri(), "/deliberate/reason",
                        ReasonActionCodec.INSTANCE, server).build()) {
            node.start();
            bridge.await(op("advertise_action"));
            WebSocket c = bridge.client;
            String slow = "{\"task\":\"t\",\"deadline\":{\"sec\":5,\"nanosec\":0}}";
            String quick = "{\"task\":\"t\",\"deadline\":{\"sec\":0,\"nanosec\":300000000}}";
            c.send(goalArgs("ahead", slow));
            bridge.await(op("action_feedback"));
            long t0 = System.nanoTime();
            c.send(goalArgs("dup", quick));
            c.send(goalArgs("dup", quick));
            c.send(goalArgs("overflow", quick)); // the queue holds 2
            assertFallback(bridge.await(resultOf("overflow")), "FALLBACK_REJECTED");
            for (int i = 0; i < 2; i++) {
                JsonNode r = bridge.await(resultOf("dup"));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(4, r.path("status").asInt());
                assertEquals("FALLBACK_DEADLINE", r.path("values").path("finish").asText());
                assertTrue(ms <= 300 + 150, "duplicate goal answered after " + ms + " ms");
            }
            c.send("{\"op\":\"cancel_action_goal\",\"id\":\"ahead\",\"action\":\"/deliberate/reason\"}");
            assertEquals(5, bridge.await(resultOf("ahead")).path("status").asInt());
        } finally {
            bridge.stop(2000);
        }
    }

    @Test
    void cancelFromTheBridgeEndsTheGoalCanceledWithValues() throws Exception {
        ScriptedBridge bridge = new ScriptedBridge();
        bridge.start();
        bridge.started.await();
        try (var model = new TestModels.SlowModel(Duration.ofMillis(2), false);
                var server = server(model);
                var node = RosbridgeActionNode.builder(bridge.uri(), "/deliberate/reason",
                        ReasonActionCodec.INSTANCE, server).build()) {
            node.start();
            bridge.await(op("advertise_action"));
            bridge.client.send(goal("g1", "obstacle"));
            bridge.await(op("action_feedback"));
            bridge.client.send("{\"op\":\"cancel_action_goal\",\"id\":\"g1\",\"action\":\"/deliberate/reason\"}");
            JsonNode result = bridge.await(op("action_result"));
            assertEquals(5, result.path("status").asInt());
            assertTrue(result.path("result").asBoolean());
            assertEquals("CANCELLED", result.path("values").path("finish").asText());
            model.ended.await();
        } finally {
            bridge.stop(2000);
        }
    }

    @Test
    void lostConnectionCancelsItsGoalsAndTheNodeReconnectsAndAdvertisesAgain() throws Exception {
        ScriptedBridge bridge = new ScriptedBridge();
        bridge.start();
        bridge.started.await();
        try (var model = new TestModels.SlowModel(Duration.ofMillis(2), false);
                var server = server(model);
                var node = RosbridgeActionNode.builder(bridge.uri(), "/deliberate/reason",
                        ReasonActionCodec.INSTANCE, server)
                        .backoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), 2)).build()) {
            node.start();
            bridge.await(op("advertise_action"));
            WebSocket first = bridge.connections.take();
            first.send(goal("g1", "obstacle"));
            bridge.await(op("action_feedback"));
            first.close(); // the bridge drops the client
            model.ended.await(); // the goal of the lost connection was cancelled
            assertEquals(1, model.cancels.get());
            JsonNode again = bridge.await(op("advertise_action"));
            assertNotNull(again);
            WebSocket second = bridge.connections.poll(20, TimeUnit.SECONDS);
            assertNotNull(second);
            assertTrue(node.awaitReadyAfter(1, Duration.ofSeconds(20)));
            assertEquals(2, node.connectionsOpened());
        } finally {
            bridge.stop(2000);
        }
    }

    @Test
    void badConfigurationIsRefusedAtBuildTime() {
        try (var server = server(new TestModels.InstantModel("{}"))) {
            assertThrows(IllegalArgumentException.class, () -> RosbridgeActionNode.builder(
                    URI.create("http://127.0.0.1:9090"), "/deliberate/reason", ReasonActionCodec.INSTANCE, server));
            assertThrows(IllegalArgumentException.class, () -> RosbridgeActionNode.builder(
                    URI.create("ws://127.0.0.1:9090"), "bad name!", ReasonActionCodec.INSTANCE, server));
            assertThrows(IllegalArgumentException.class, () -> RosbridgeActionNode.TopicSpec.parse("/scan"));
            assertThrows(IllegalArgumentException.class,
                    () -> RosbridgeActionNode.TopicSpec.parse("/scan:not a type"));
            assertEquals("sensor_msgs/msg/LaserScan",
                    RosbridgeActionNode.TopicSpec.parse("/scan:sensor_msgs/msg/LaserScan").type());
        }
    }
}

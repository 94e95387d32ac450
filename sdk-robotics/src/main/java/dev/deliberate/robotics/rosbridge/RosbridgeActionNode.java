package dev.deliberate.robotics.rosbridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.robotics.GoalRejectedException;
import dev.deliberate.robotics.InvalidGoalException;
import dev.deliberate.robotics.action.ActionServer;
import dev.deliberate.robotics.action.GoalHandle;
import dev.deliberate.robotics.action.GoalId;
import dev.deliberate.robotics.action.GoalObserver;
import dev.deliberate.robotics.action.GoalResult;
import dev.deliberate.robotics.action.GoalStatus;
import dev.deliberate.robotics.internal.BoundedJson;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offers an {@link ActionServer} to a ROS 2 graph through a rosbridge v2 server (WebSocket + JSON), as an action
 * server advertised by this client ({@code advertise_action}). rosbridge turns ROS 2 goals into
 * {@code send_action_goal} and {@code cancel_action_goal} messages for this node; the node answers with
 * {@code action_feedback} and {@code action_result} ({@code values}, integer {@code status}, boolean {@code result}).
 *
 * <ul>
 *   <li>Reconnects with {@link Backoff} when the bridge goes away, and advertises everything again; goals of a lost
 *       connection are cancelled (the bridge has aborted them already).</li>
 *   <li>Optionally subscribes to observation topics, whose latest messages go to a {@link LatestMessages}, and
 *       publishes each decision on a {@code std_msgs/msg/String} topic.</li>
 *   <li>Every frame is parsed within size and depth bounds; a malformed frame is logged and ignored.</li>
 * </ul>
 *
 * <pre>{@code
 * try (var node = RosbridgeActionNode.builder(URI.create("ws://127.0.0.1:9090"), "/deliberate/reason",
 *         ReasonActionCodec.INSTANCE, server).publishResults("/deliberate/decision", ReasonResult::decisionJson)
 *         .build()) {
 *     node.start();
 *     node.awaitReady(Duration.ofSeconds(5));
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. It owns one scheduler thread plus the WebSocket library's threads of the current connection; all end
 * in {@link #close()}. It does not close the {@link ActionServer}.
 *
 * @param <G> the goal type
 * @param <F> the feedback type
 * @param <R> the result type
 */
public final class RosbridgeActionNode<G, F, R> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RosbridgeActionNode.class);
    private static final Pattern ROS_NAME = Pattern.compile("/?[A-Za-z_~][A-Za-z0-9_/~]{0,254}");
    private static final Pattern ROS_TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9_]*/(msg/|action/|srv/)?"
            + "[A-Za-z][A-Za-z0-9_]{0,127}");

    private final URI uri;
    private final String action;
    private final RosActionCodec<G, F, R> codec;
    private final ActionServer<G, F, R> server;
    private final List<TopicSpec> observed;
    private final Optional<LatestMessages> observations;
    private final Optional<String> resultTopic;
    private final Function<R, String> resultText;
    private final Backoff backoff;
    private final Duration connectTimeout;
    private final int maxFrameChars;
    private final BoundedJson json;
    private final ScheduledExecutorService scheduler;

    private final Object stateLock = new Object();
    private Connection current; // guarded by stateLock
    private boolean started; // guarded by stateLock
    private boolean closed; // guarded by stateLock
    private int failedAttempts; // guarded by stateLock
    private long readyGeneration; // guarded by stateLock
    private final AtomicLong connectionsOpened = new AtomicLong();
    private final AtomicLong framesIgnored = new AtomicLong();
    private final AtomicLong idCounter = new AtomicLong();

    private RosbridgeActionNode(Builder<G, F, R> b) {
        this.uri = b.uri;
        this.action = b.action;
        this.codec = b.codec;
        this.server = b.server;
        this.observed = List.copyOf(b.observed);
        this.observations = Optional.ofNullable(b.observations);
        this.resultTopic = Optional.ofNullable(b.resultTopic);
        this.resultText = b.resultText;
        this.backoff = b.backoff;
        this.connectTimeout = b.connectTimeout;
        this.maxFrameChars = b.maxFrameChars;
        this.json = new BoundedJson(b.maxFrameChars, b.maxDepth);
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "deliberate-rosbridge" + action.replace('/', '-'));
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        this.scheduler = s;
    }

    /**
     * A builder.
     *
     * @param bridge the rosbridge server, e.g. {@code ws://127.0.0.1:9090}
     * @param action the action name, e.g. {@code /deliberate/reason}
     * @param codec  the action type's JSON mapping
     * @param server the server that executes goals
     */
    public static <G, F, R> Builder<G, F, R> builder(URI bridge, String action, RosActionCodec<G, F, R> codec,
            ActionServer<G, F, R> server) {
        return new Builder<>(bridge, action, codec, server);
    }

    /** Starts connecting (in the background); returns at once. Idempotent. */
    public void start() {
        synchronized (stateLock) {
            if (closed) {
                throw new IllegalStateException("node is closed");
            }
            if (started) {
                return;
            }
            started = true;
        }
        scheduler.execute(this::connect);
    }

    /**
     * Waits until a connection is open and the action is advertised on it.
     *
     * @return whether it is, within {@code timeout}
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return awaitReadyAfter(-1, timeout);
    }

    /**
     * Waits until an advertisement newer than {@code generation} was sent (see {@link #readyGeneration()}); used to
     * wait for the next reconnection.
     */
    public boolean awaitReadyAfter(long generation, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (stateLock) {
            while (!(readyGeneration > generation && current != null && current.isOpen())) {
                long left = end - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(stateLock, left);
            }
            return true;
        }
    }

    /** Counts advertisements sent: it grows by one with every (re)connection. */
    public long readyGeneration() {
        synchronized (stateLock) {
            return readyGeneration;
        }
    }

    /** How many connections were opened so far. */
    public long connectionsOpened() {
        return connectionsOpened.get();
    }

    /** How many incoming frames were ignored as malformed, oversized or unknown. */
    public long framesIgnored() {
        return framesIgnored.get();
    }

    /** Unadvertises, closes the connection and stops reconnecting; waits for this node's threads to end. */
    @Override
    public void close() {
        Connection c;
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            closed = true;
            c = current;
            current = null;
            stateLock.notifyAll();
        }
        scheduler.shutdownNow();
        if (c != null) {
            if (c.isOpen()) {
                c.sendJson(op("unadvertise_action").put("action", action));
            }
            try {
                c.closeBlocking();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            c.cancelGoals();
        }
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- connection management -------------------------------------------------------------------------------

    private void connect() {
        Connection c;
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            c = new Connection(uri, maxFrameChars * 4, (int) connectTimeout.toMillis());
            current = c;
        }
        LOG.debug("connecting to rosbridge at {}", uri);
        c.connect();
    }

    private void scheduleReconnect(Connection lost) {
        Duration delay;
        synchronized (stateLock) {
            if (closed || current != lost) {
                return;
            }
            current = null;
            delay = backoff.delay(failedAttempts++);
        }
        try {
            scheduler.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("rosbridge at {} unavailable; reconnecting in {} ms", uri, delay.toMillis());
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void onOpen(Connection c) {
        connectionsOpened.incrementAndGet();
        c.sendJson(op("advertise_action").put("action", action).put("type", codec.actionType()));
        resultTopic.ifPresent(t -> c.sendJson(op("advertise").put("id", nextId("advertise:" + t)).put("topic", t)
                .put("type", "std_msgs/msg/String")));
        for (TopicSpec t : observed) {
            c.sendJson(op("subscribe").put("id", nextId("subscribe:" + t.topic())).put("topic", t.topic())
                    .put("type", t.type()));
        }
        synchronized (stateLock) {
            failedAttempts = 0;
            readyGeneration++;
            stateLock.notifyAll();
        }
        LOG.info("advertised action {} ({}) on rosbridge {}", action, codec.actionType(), uri);
    }

    private void onFrame(Connection c, String text) {
        if (text.length() > maxFrameChars) {
            ignore("frame of " + text.length() + " chars exceeds " + maxFrameChars);
            return;
        }
        JsonNode msg;
        try {
            msg = json.parse(text);
        } catch (BoundedJson.MalformedJsonException e) {
            ignore("malformed frame: " + e.getMessage());
            return;
        }
        String opName = msg.path("op").asText("");
        try {
            switch (opName) {
                case "send_action_goal" -> onGoal(c, msg);
                case "cancel_action_goal" -> onCancel(c, msg);
                case "publish" -> onPublish(msg, text.length());
                case "status" -> LOG.info("rosbridge status [{}]: {}", msg.path("level").asText(""),
                        msg.path("msg").asText(""));
                default -> ignore("unexpected op '" + truncate(opName) + "'");
            }
        } catch (RuntimeException e) {
            // never let one frame kill the node
            LOG.warn("failed to handle a '{}' frame: {}", truncate(opName), e.toString(), e);
            framesIgnored.incrementAndGet();
        }
    }

    private void onGoal(Connection c, JsonNode msg) {
        JsonNode idNode = msg.get("id");
        if (idNode == null || !idNode.isTextual() || idNode.textValue().isEmpty()) {
            ignore("send_action_goal without a string id");
            return;
        }
        String bridgeId = idNode.textValue();
        if (!action.equals(msg.path("action").asText(""))) {
            ignore("send_action_goal for another action: " + truncate(msg.path("action").asText("")));
            return;
        }
        G goal;
        try {
            goal = codec.decodeGoal(msg.get("args"));
        } catch (InvalidGoalException e) {
            LOG.warn("goal {} is malformed, aborting it: {}", bridgeId, e.getMessage());
            c.sendAbort(bridgeId);
            return;
        }
        GoalId id = GoalId.random();
        c.goals.put(bridgeId, id);
        try {
            server.submit(id, goal, new BridgeObserver(c, bridgeId));
        } catch (GoalRejectedException e) {
            LOG.info("goal {} rejected: {}", bridgeId, e.getMessage());
            c.goals.remove(bridgeId);
            c.sendAbort(bridgeId);
        }
    }

    private void onCancel(Connection c, JsonNode msg) {
        String bridgeId = msg.path("id").asText("");
        GoalId id = c.goals.get(bridgeId);
        if (id == null) {
            LOG.debug("cancel for unknown or finished goal {}", truncate(bridgeId));
            return;
        }
        server.cancel(id);
    }

    private void onPublish(JsonNode msg, int chars) {
        String topic = msg.path("topic").asText("");
        JsonNode body = msg.get("msg");
        if (observations.isEmpty() || body == null || observed.stream().noneMatch(t -> t.topic().equals(topic))) {
            ignore("publish on a topic not subscribed: " + truncate(topic));
            return;
        }
        if (!observations.get().put(topic, body, chars)) {
            LOG.debug("observation on {} dropped (too large, or too many topics)", topic);
        }
    }

    private void ignore(String why) {
        framesIgnored.incrementAndGet();
        LOG.warn("rosbridge {}: ignored {}", uri, why);
    }

    private ObjectNode op(String name) {
        return json.mapper().createObjectNode().put("op", name);
    }

    private String nextId(String prefix) {
        return prefix + ":" + idCounter.incrementAndGet();
    }

    private static String truncate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    /** Sends one goal's feedback and result over the connection the goal came from. */
    private final class BridgeObserver implements GoalObserver<F, R> {
        private final Connection c;
        private final String bridgeId;

        BridgeObserver(Connection c, String bridgeId) {
            this.c = c;
            this.bridgeId = bridgeId;
        }

        @Override
        public void onFeedback(GoalId id, F feedback) {
            c.sendJson(op("action_feedback").put("id", bridgeId).put("action", action)
                    .set("values", codec.encodeFeedback(feedback)));
        }

        @Override
        public void onResult(GoalResult<R> result) {
            c.goals.remove(bridgeId, result.id());
            GoalStatus status = result.status();
            if (result.result().isEmpty() && status == GoalStatus.ABORTED) {
                c.sendAbort(bridgeId);
                return;
            }
            R r = result.result().orElseGet(codec::emptyResult);
            ObjectNode m = op("action_result").put("id", bridgeId).put("action", action);
            m.set("values", codec.encodeResult(r));
            m.put("status", status.code()).put("result", true);
            c.sendJson(m);
            if (resultTopic.isPresent() && status != GoalStatus.CANCELED && result.result().isPresent()) {
                String text = resultText.apply(r);
                if (!text.isEmpty()) {
                    ObjectNode p = op("publish").put("topic", resultTopic.get());
                    p.putObject("msg").put("data", text);
                    c.sendJson(p);
                }
            }
        }
    }

    /** One WebSocket connection; a new one is made for every reconnection. */
    private final class Connection extends WebSocketClient {
        final Map<String, GoalId> goals = new ConcurrentHashMap<>();
        private final Object sendLock = new Object();

        Connection(URI target, int maxFrameBytes, int connectTimeoutMillis) {
            super(target, new Draft_6455(List.of(), maxFrameBytes), Map.of(), connectTimeoutMillis);
            setTcpNoDelay(true);
            setConnectionLostTimeout(10);
            setDaemon(true);
        }

        void sendJson(ObjectNode m) {
            String text = json.write(m);
            synchronized (sendLock) {
                if (!isOpen()) {
                    LOG.debug("not connected; dropped {}", m.path("op").asText());
                    return;
                }
                try {
                    send(text);
                } catch (org.java_websocket.exceptions.WebsocketNotConnectedException e) {
                    LOG.debug("connection closed while sending {}", m.path("op").asText());
                }
            }
        }

        /** {@code action_result} with {@code result: false}: rosbridge aborts the goal (no values may be sent). */
        void sendAbort(String bridgeId) {
            sendJson(op("action_result").put("id", bridgeId).put("action", action)
                    .put("status", GoalStatus.ABORTED.code()).put("result", false));
        }

        void cancelGoals() {
            for (GoalId id : new ArrayList<>(goals.values())) {
                server.cancel(id);
            }
            goals.clear();
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
            RosbridgeActionNode.this.onOpen(this);
        }

        @Override
        public void onMessage(String message) {
            onFrame(this, message);
        }

        @Override
        public void onMessage(java.nio.ByteBuffer bytes) {
            ignore("binary frame of " + bytes.remaining() + " bytes (only JSON text is supported)");
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            LOG.info("rosbridge connection to {} closed ({} {})", uri, code, reason);
            cancelGoals();
            scheduleReconnect(this);
        }

        @Override
        public void onError(Exception ex) {
            LOG.debug("rosbridge connection error: {}", ex.toString());
        }
    }

    /**
     * A topic and its ROS 2 type, e.g. {@code /obstacle/summary} and {@code std_msgs/msg/String}.
     *
     * @param topic the topic name
     * @param type  the message type
     */
    public record TopicSpec(String topic, String type) {
        /** Validates the names. */
        public TopicSpec {
            requireName(topic, "topic");
            Objects.requireNonNull(type, "type");
            if (!ROS_TYPE.matcher(type).matches()) {
                throw new IllegalArgumentException("not a ROS 2 message type: '" + type + "'");
            }
        }

        /** Parses {@code TOPIC:TYPE}, e.g. {@code /scan:sensor_msgs/msg/LaserScan}. */
        public static TopicSpec parse(String text) {
            int colon = text.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("expected TOPIC:TYPE, got '" + text + "'");
            }
            return new TopicSpec(text.substring(0, colon), text.substring(colon + 1));
        }
    }

    static String requireName(String name, String what) {
        Objects.requireNonNull(name, what);
        if (!ROS_NAME.matcher(name).matches() || name.contains("//") || name.endsWith("/")) {
            throw new IllegalArgumentException("not a valid ROS 2 " + what + " name: '" + name + "'");
        }
        return name;
    }

    /**
     * Configures a {@link RosbridgeActionNode}.
     *
     * @param <G> the goal type
     * @param <F> the feedback type
     * @param <R> the result type
     */
    public static final class Builder<G, F, R> {
        private final URI uri;
        private final String action;
        private final RosActionCodec<G, F, R> codec;
        private final ActionServer<G, F, R> server;
        private final List<TopicSpec> observed = new ArrayList<>();
        private LatestMessages observations;
        private String resultTopic;
        private Function<R, String> resultText = r -> "";
        private Backoff backoff = Backoff.defaults();
        private Duration connectTimeout = Duration.ofSeconds(5);
        private int maxFrameChars = 1024 * 1024;
        private int maxDepth = 64;

        private Builder(URI uri, String action, RosActionCodec<G, F, R> codec, ActionServer<G, F, R> server) {
            this.uri = Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equals("ws") || scheme.equals("wss")) || uri.getHost() == null) {
                throw new IllegalArgumentException("rosbridge URI must be ws://HOST:PORT or wss://..., got " + uri);
            }
            this.action = requireName(action, "action");
            this.codec = Objects.requireNonNull(codec, "codec");
            this.server = Objects.requireNonNull(server, "server");
        }

        /** Subscribes to {@code topic}; its latest message goes to {@code into}. */
        public Builder<G, F, R> observe(TopicSpec topic, LatestMessages into) {
            observed.add(Objects.requireNonNull(topic, "topic"));
            if (observations != null && observations != into) {
                throw new IllegalArgumentException("all observed topics share one LatestMessages");
            }
            this.observations = Objects.requireNonNull(into, "into");
            return this;
        }

        /** Publishes {@code text(result)} of every ended goal (when not empty) on {@code topic} as std_msgs/String. */
        public Builder<G, F, R> publishResults(String topic, Function<R, String> text) {
            this.resultTopic = requireName(topic, "topic");
            this.resultText = Objects.requireNonNull(text, "text");
            return this;
        }

        /** Reconnection delays (default 100 ms doubling to 5 s). */
        public Builder<G, F, R> backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /** WebSocket connect timeout (default 5 s). */
        public Builder<G, F, R> connectTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("connect timeout must be positive");
            }
            this.connectTimeout = timeout;
            return this;
        }

        /** The largest frame accepted, in chars (default 1 MiB); larger frames are ignored. */
        public Builder<G, F, R> maxFrameChars(int chars) {
            if (chars < 1024 || chars > 64 * 1024 * 1024) {
                throw new IllegalArgumentException("maxFrameChars must be in [1 KiB, 64 MiB]");
            }
            this.maxFrameChars = chars;
            return this;
        }

        /** The deepest JSON nesting accepted (default 64). */
        public Builder<G, F, R> maxDepth(int depth) {
            if (depth < 4 || depth > 1000) {
                throw new IllegalArgumentException("maxDepth must be in [4, 1000]");
            }
            this.maxDepth = depth;
            return this;
        }

        /** Builds the node; call {@link RosbridgeActionNode#start()} to connect. */
        public RosbridgeActionNode<G, F, R> build() {
            return new RosbridgeActionNode<>(this);
        }
    }
}

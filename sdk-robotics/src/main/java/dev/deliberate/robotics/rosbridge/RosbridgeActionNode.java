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
 *   <li>It can serve several actions at once (one per robot, or per kind of task), each with its own codec and
 *       {@link ActionServer} (so its own schema, fallback and policy): see {@link Builder#action}.</li>
 *   <li>Every frame is parsed within size and depth bounds. A frame that cannot be read (larger than
 *       {@link Builder#maxFrameChars}, nested deeper than {@link Builder#maxDepth}, broken JSON, or a text frame
 *       that is not valid UTF-8) is scanned for its top-level {@code op}, {@code id} and {@code action}: when it is a
 *       goal for one of the node's actions, that goal is answered at once, ABORTED, with the server's fallback result
 *       ({@link dev.deliberate.robotics.action.GoalDeadlines#unreadable}); anything else is logged (one line) and
 *       ignored. A frame larger than the WebSocket limit (4 x maxFrameChars bytes) is refused by the WebSocket
 *       layer, which closes the connection (code 1009): the bridge then aborts that connection's goals itself, and
 *       the node reconnects.</li>
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
    private final Binding<G, F, R> primary;
    private final Map<String, Binding<?, ?, ?>> bindings;
    private final int maxReconnects;
    private final java.util.concurrent.CompletableFuture<String> gaveUp = new java.util.concurrent.CompletableFuture<>();
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
    private final AtomicLong unreadableAnswered = new AtomicLong();
    private final AtomicLong idCounter = new AtomicLong();

    private RosbridgeActionNode(Builder<G, F, R> b) {
        this.uri = b.uri;
        this.action = b.action;
        this.primary = new Binding<>(b.action, b.codec, b.server);
        Map<String, Binding<?, ?, ?>> all = new java.util.LinkedHashMap<>();
        all.put(b.action, primary);
        b.extra.forEach(x -> all.put(x.name, x));
        this.bindings = java.util.Collections.unmodifiableMap(all);
        this.maxReconnects = b.maxReconnects;
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

    /** How many incoming frames were ignored as malformed, oversized or unknown (answered or not). */
    public long framesIgnored() {
        return framesIgnored.get();
    }

    /** How many goals in unreadable frames were recovered and answered ABORTED with the fallback. */
    public long unreadableGoalsAnswered() {
        return unreadableAnswered.get();
    }

    /** The action names this node serves, the builder's first. */
    public java.util.Set<String> actions() {
        return bindings.keySet();
    }

    /**
     * Completes, with the reason, when the node stopped reconnecting because {@link Builder#maxReconnects} attempts
     * in a row failed. Never completes with unlimited reconnects.
     */
    public java.util.concurrent.CompletableFuture<String> gaveUp() {
        return gaveUp.copy();
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
                for (String name : bindings.keySet()) {
                    c.sendJson(op("unadvertise_action").put("action", name));
                }
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
            c = new Connection(uri, (int) Math.min(Integer.MAX_VALUE, maxFrameChars * 4L),
                    (int) connectTimeout.toMillis());
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
            if (maxReconnects >= 0 && failedAttempts >= maxReconnects) {
                closed = true;
                stateLock.notifyAll();
                String why = "rosbridge at " + uri + " unreachable after " + maxReconnects + " reconnect attempt(s)";
                LOG.warn("{}; giving up", why);
                gaveUp.complete(why);
                scheduler.shutdown();
                return;
            }
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
        for (Binding<?, ?, ?> b : bindings.values()) {
            c.sendJson(op("advertise_action").put("action", b.name).put("type", b.codec.actionType()));
        }
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
        LOG.info("advertised {} on rosbridge {}", bindings.values().stream()
                .map(b -> b.name + " (" + b.codec.actionType() + ")").toList(), uri);
    }

    private void onFrame(Connection c, String text) {
        if (text.startsWith(LenientTextFrames.MARKER)) {
            salvage(c, text.substring(LenientTextFrames.MARKER.length()), "a text frame that is not valid UTF-8");
            return;
        }
        if (text.length() > maxFrameChars) {
            salvage(c, text, "a frame of " + text.length() + " chars (more than " + maxFrameChars + ")");
            return;
        }
        JsonNode msg;
        try {
            msg = json.parse(text);
        } catch (BoundedJson.MalformedJsonException e) {
            salvage(c, text, "a malformed frame (" + truncate(e.getMessage(), 160) + ")");
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

    /** A frame that could not be read: answer the goal in it when its id and action can be recovered. */
    private void salvage(Connection c, String text, String what) {
        framesIgnored.incrementAndGet();
        FrameSalvage.Fields f = FrameSalvage.scan(text);
        if (!f.isGoal()) {
            LOG.warn("rosbridge {}: ignored {}", uri, what);
            return;
        }
        String name = f.action().orElse(bindings.size() == 1 ? action : "");
        Binding<?, ?, ?> b = bindings.get(name);
        if (b == null) {
            LOG.warn("rosbridge {}: ignored {}: a goal for an action not served here ({})", uri, what,
                    truncate(name));
            return;
        }
        String bridgeId = f.id().orElseThrow();
        LOG.warn("rosbridge {}: goal {} of {} came in {}; answered ABORTED with the fallback", uri,
                truncate(bridgeId), b.name, what);
        unreadableAnswered.incrementAndGet();
        abort(b, c, bridgeId, what, false);
    }

    private void onGoal(Connection c, JsonNode msg) {
        JsonNode idNode = msg.get("id");
        if (idNode == null || !idNode.isTextual() || idNode.textValue().isEmpty()) {
            ignore("send_action_goal without a string id");
            return;
        }
        Binding<?, ?, ?> b = bindings.get(msg.path("action").asText(""));
        if (b == null) {
            ignore("send_action_goal for another action: " + truncate(msg.path("action").asText("")));
            return;
        }
        goal(b, c, idNode.textValue(), msg.get("args"));
    }

    private void onCancel(Connection c, JsonNode msg) {
        String bridgeId = msg.path("id").asText("");
        String name = msg.path("action").asText(bindings.size() == 1 ? action : "");
        Tracked t = c.goals.get(key(name, bridgeId));
        if (t == null) {
            LOG.debug("cancel for unknown or finished goal {}", truncate(bridgeId));
            return;
        }
        t.binding().server.cancel(t.id());
    }

    private static String key(String action, String bridgeId) {
        return action + "\n" + bridgeId;
    }

    /** A goal of a connection: which action it is for and its server-side id. */
    private record Tracked(Binding<?, ?, ?> binding, GoalId id) { }

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
        return truncate(s, 80);
    }

    private static String truncate(String s, int max) {
        String oneLine = s.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "...";
    }

    /**
     * One action served by this node: its name, codec and server.
     *
     * @param <A> the goal type
     * @param <B> the feedback type
     * @param <C> the result type
     */
    static final class Binding<A, B, C> {
        final String name;
        final RosActionCodec<A, B, C> codec;
        final ActionServer<A, B, C> server;

        Binding(String name, RosActionCodec<A, B, C> codec, ActionServer<A, B, C> server) {
            this.name = requireName(name, "action");
            this.codec = Objects.requireNonNull(codec, "codec");
            this.server = Objects.requireNonNull(server, "server");
        }
    }

    private <A, B, C> void goal(Binding<A, B, C> b, Connection c, String bridgeId, JsonNode args) {
        A goal;
        try {
            goal = b.codec.decodeGoal(args);
        } catch (InvalidGoalException e) {
            LOG.warn("goal {} of {} is malformed, answering ABORTED: {}", truncate(bridgeId), b.name, e.getMessage());
            abort(b, c, bridgeId, "malformed goal: " + e.getMessage(), false);
            return;
        }
        GoalId id = GoalId.random();
        String key = key(b.name, bridgeId);
        c.goals.put(key, new Tracked(b, id));
        try {
            b.server.submit(id, goal, new BridgeObserver<>(b, c, bridgeId));
        } catch (GoalRejectedException e) {
            LOG.info("goal {} of {} rejected: {}", truncate(bridgeId), b.name, e.getMessage());
            c.goals.remove(key, new Tracked(b, id));
            abort(b, c, bridgeId, e.getMessage(), true);
        }
    }

    /** ABORTED, with the server's fallback result where it has one (else without values, which rosbridge fills). */
    private <A, B, C> void abort(Binding<A, B, C> b, Connection c, String bridgeId, String why, boolean rejected) {
        Optional<C> fallback;
        try {
            fallback = b.server.deadlines().map(d -> rejected ? d.rejected(why) : d.unreadable(why));
        } catch (RuntimeException e) {
            fallback = Optional.empty();
        }
        if (fallback.isEmpty()) {
            c.sendAbort(b.name, bridgeId);
            return;
        }
        ObjectNode m = op("action_result").put("id", bridgeId).put("action", b.name);
        m.set("values", b.codec.encodeResult(fallback.get()));
        m.put("status", GoalStatus.ABORTED.code()).put("result", true);
        c.sendJson(m);
    }

    /** Sends one goal's feedback and result over the connection the goal came from. */
    private final class BridgeObserver<A, B, C> implements GoalObserver<B, C> {
        private final Binding<A, B, C> b;
        private final Connection c;
        private final String bridgeId;

        BridgeObserver(Binding<A, B, C> b, Connection c, String bridgeId) {
            this.b = b;
            this.c = c;
            this.bridgeId = bridgeId;
        }

        @Override
        public void onFeedback(GoalId id, B feedback) {
            c.sendJson(op("action_feedback").put("id", bridgeId).put("action", b.name)
                    .set("values", b.codec.encodeFeedback(feedback)));
        }

        @Override
        public void onResult(GoalResult<C> result) {
            c.goals.remove(key(b.name, bridgeId), new Tracked(b, result.id()));
            GoalStatus status = result.status();
            if (result.result().isEmpty() && status == GoalStatus.ABORTED) {
                c.sendAbort(b.name, bridgeId);
                return;
            }
            C r = result.result().orElseGet(b.codec::emptyResult);
            ObjectNode m = op("action_result").put("id", bridgeId).put("action", b.name);
            m.set("values", b.codec.encodeResult(r));
            m.put("status", status.code()).put("result", true);
            c.sendJson(m);
            if (b == primary && resultTopic.isPresent() && status != GoalStatus.CANCELED
                    && result.result().isPresent()) {
                @SuppressWarnings("unchecked")
                String text = resultText.apply((R) r);
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
        final Map<String, Tracked> goals = new ConcurrentHashMap<>();
        private final Object sendLock = new Object();

        Connection(URI target, int maxFrameBytes, int connectTimeoutMillis) {
            super(target, LenientTextFrames.draft(maxFrameBytes), Map.of(), connectTimeoutMillis);
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
        void sendAbort(String name, String bridgeId) {
            sendJson(op("action_result").put("id", bridgeId).put("action", name)
                    .put("status", GoalStatus.ABORTED.code()).put("result", false));
        }

        void cancelGoals() {
            for (Tracked t : new ArrayList<>(goals.values())) {
                t.binding().server.cancel(t.id());
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
        private int maxReconnects = -1;
        private final List<Binding<?, ?, ?>> extra = new ArrayList<>();

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

        /**
         * Serves one more action on the same connection, with its own codec and server (so its own schema, fallback,
         * policy and queue). Result publishing ({@link #publishResults}) applies to the first action only.
         */
        public <A, B, C> Builder<G, F, R> action(String name, RosActionCodec<A, B, C> codec,
                ActionServer<A, B, C> server) {
            Binding<A, B, C> b = new Binding<>(name, codec, server);
            if (b.name.equals(action) || extra.stream().anyMatch(x -> x.name.equals(b.name))) {
                throw new IllegalArgumentException("action " + name + " is already served by this node");
            }
            extra.add(b);
            return this;
        }

        /**
         * Stops reconnecting after this many failed reconnection attempts in a row (default: never stops); the node
         * then completes {@link RosbridgeActionNode#gaveUp()}.
         */
        public Builder<G, F, R> maxReconnects(int attempts) {
            if (attempts < 0) {
                throw new IllegalArgumentException("maxReconnects must not be negative");
            }
            this.maxReconnects = attempts;
            return this;
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

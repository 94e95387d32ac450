package dev.deliberate.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.DeliberateException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link ModelPool} over the OpenAI chat-completions API, so that any OpenAI client (the official SDKs,
 * LangChain4j, curl) uses a Deliberate model. The thinking is sent apart from the answer, in
 * {@code reasoning_content}; JSON-Schema answers are the core's (constrained, validated); thinking is bounded by
 * {@code thinking_budget} or {@code reasoning_effort}.
 *
 * <pre>{@code
 * try (ModelPool pool = ModelPool.open(ModelLocator.parse("model.gguf"), ModelOptions.defaults(), 2);
 *      OpenAiServer server = OpenAiServer.start(pool, ServerConfig.builder().port(8080).build())) {
 *     System.out.println("serving at " + server.baseUrl());
 *     ...
 * }
 * }</pre>
 *
 * <p>HTTP is Jetty 12's core server (no servlets): a maintained, widely used server that keeps HTTP parsing, limits
 * (header sizes, idle timeouts) and connection handling out of this code. The server does not own the pool: close the
 * server, then the pool.
 *
 * <p>Logging: this class and its handler never log request headers. Jetty itself logs raw request bytes (the
 * {@code Authorization} header included) at DEBUG, so keep {@code org.eclipse.jetty} at INFO or quieter when a key
 * is set; {@link #start} warns when it is not.
 */
public final class OpenAiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiServer.class);
    /** After the grace period, how long cancelled requests get to end. */
    private static final long CANCEL_WAIT_MILLIS = 5_000;

    private final Server jetty;
    private final ServerConnector connector;
    private final ApiHandler handler;
    private final ServerConfig config;
    private final String modelId;
    private volatile boolean closed;

    private OpenAiServer(Server jetty, ServerConnector connector, ApiHandler handler, ServerConfig config,
            String modelId) {
        this.jetty = jetty;
        this.connector = connector;
        this.handler = handler;
        this.config = config;
        this.modelId = modelId;
    }

    /**
     * Binds and starts serving.
     *
     * @throws DeliberateException when the address cannot be bound (in use, not local)
     */
    public static OpenAiServer start(ModelPool pool, ServerConfig config) {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(config, "config");
        String modelId = config.modelId().orElse(pool.info().modelId());
        if (config.apiKey().isPresent()
                && (LoggerFactory.getLogger("org.eclipse.jetty.http.HttpParser").isDebugEnabled()
                        || LoggerFactory.getLogger("org.eclipse.jetty.io").isDebugEnabled())) {
            LOG.warn("DEBUG logging is on for org.eclipse.jetty: Jetty logs raw request bytes, API keys included;"
                    + " set org.eclipse.jetty to INFO");
        }
        // a request thread per running or waiting request, plus Jetty's acceptor and selector and some spare
        int maxThreads = pool.size() + config.maxQueued() + 16;
        QueuedThreadPool threads = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads));
        threads.setName("deliberate-serve");
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        ApiHandler handler = new ApiHandler(pool, config, modelId);
        jetty.addConnector(connector);
        jetty.setHandler(handler);
        jetty.setErrorHandler(new JsonErrors(handler.mapper()));
        jetty.setStopAtShutdown(false); // the owner closes the server (a shutdown hook in the CLI)
        try {
            jetty.start();
        } catch (Exception e) {
            try {
                jetty.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new DeliberateException("cannot serve on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
        OpenAiServer server = new OpenAiServer(jetty, connector, handler, config, modelId);
        LOG.info("serving model {} at {} ({} instance(s), {} queued at most, {})", modelId, server.baseUrl(),
                pool.size(), config.maxQueued(), config.apiKey().isPresent() ? "API key required" : "no API key");
        return server;
    }

    /** The port it listens on (the chosen one when the configuration said 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The API base URL clients use, e.g. {@code http://127.0.0.1:8080/v1}. */
    public URI baseUrl() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create("http://" + host + ":" + port() + "/v1");
    }

    /** The model id clients send in {@code model}. */
    public String modelId() {
        return modelId;
    }

    /**
     * Shuts down cleanly: new requests get 503, requests in flight may finish within the configured grace period,
     * those still running then are cancelled (streams end with an error event), and the port is released. Idempotent;
     * does not close the pool.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            handler.shutdown(config.shutdownGrace().toMillis(), CANCEL_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            jetty.setStopTimeout(0); // requests have ended or been cancelled above
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server: {}", e.toString());
        }
        LOG.info("stopped serving {}", modelId);
    }

    /** Errors Jetty answers itself (a malformed request line, headers too large) in OpenAI's JSON shape. */
    private static final class JsonErrors extends ErrorHandler {
        private final ObjectMapper mapper;

        JsonErrors(ObjectMapper mapper) {
            this.mapper = mapper;
        }

        @Override
        protected void generateResponse(Request request, Response response, int code, String message,
                Throwable cause, Callback callback) throws IOException {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(body(code, message)), callback);
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, "application/json");
            return ByteBuffer.wrap(body(status, reason));
        }

        private byte[] body(int code, String message) {
            String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
            ApiException e = new ApiException(code, code >= 500 ? "server_error" : "invalid_request_error", null,
                    null, ChatRequest.clip(text));
            return ChatJson.error(mapper, e).toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}

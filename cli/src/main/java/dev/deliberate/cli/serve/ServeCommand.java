package dev.deliberate.cli.serve;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.cli.core.LocalModelOptions;
import dev.deliberate.cli.core.ProfileOption;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.server.ApiKey;
import dev.deliberate.server.ModelPool;
import dev.deliberate.server.OpenAiServer;
import dev.deliberate.server.ReasoningEfforts;
import dev.deliberate.server.ServerConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deliberate serve}: a model over the OpenAI chat-completions API (see docs/serve.md). A thin layer over
 * {@link OpenAiServer} and {@link ModelPool}; runs until SIGTERM or Ctrl-C, then lets requests in flight finish
 * within the grace period, cancels the rest and exits.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve a model over the OpenAI API: GET /v1/models, POST /v1/chat/completions (blocking and streaming).",
            "Thinking is returned in reasoning_content, never in content; response_format json_schema answers are "
                    + "constrained and validated; thinking_budget and reasoning_effort bound the thinking.",
            "With --profile, every request is asked under the profile: its system prompt comes first, its schema"
                    + " applies without response_format, its budgets without thinking_budget, reasoning_effort or"
                    + " max_tokens."
        })
public final class ServeCommand implements Callable<Integer> {

    /** Environment variable read for the API key when --api-key is not given. */
    static final String KEY_VARIABLE = "DELIBERATE_SERVE_API_KEY";

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "A model locator: a .gguf file (llama.cpp), or any locator an installed backend accepts.")
    String model;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "P",
            description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one, printed at start).")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "Require 'Authorization: Bearer KEY'. Default: the " + KEY_VARIABLE
                    + " environment variable; none when it is unset.")
    String apiKey;

    @Option(names = "--parallel", defaultValue = "1", paramLabel = "N",
            description = "Model instances, i.e. requests generated at once (default: ${DEFAULT-VALUE}). Each "
                    + "instance has its own context memory; llama.cpp shares the mapped weights.")
    int parallel;

    @CommandLine.Mixin
    LocalModelOptions local = new LocalModelOptions();

    @CommandLine.Mixin
    ProfileOption profile = new ProfileOption();

    @Option(names = "--model-id", paramLabel = "ID",
            description = "The id clients send as 'model' (default: the model's own name).")
    String modelId;

    @Option(names = "--queue", defaultValue = "" + ServerConfig.DEFAULT_MAX_QUEUED, paramLabel = "N",
            description = "Requests that may wait for a free instance; more get 429 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-body", defaultValue = "" + ServerConfig.DEFAULT_MAX_BODY_BYTES, paramLabel = "BYTES",
            description = "Largest request body; larger ones get 413 (default: ${DEFAULT-VALUE}).")
    long maxBody;

    @Option(names = "--effort-budgets", defaultValue = "256,1024,4096", paramLabel = "LOW,MEDIUM,HIGH",
            description = "Thinking tokens for reasoning_effort low, medium (the default) and high "
                    + "(default: ${DEFAULT-VALUE}).")
    String effortBudgets;

    @Option(names = "--shutdown-grace", defaultValue = "10", paramLabel = "SECONDS",
            description = "On SIGTERM, how long requests in flight may finish before they are cancelled "
                    + "(default: ${DEFAULT-VALUE}).")
    int shutdownGrace;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final CountDownLatch stopped = new CountDownLatch(1);

    /** slf4j-simple's level property for Jetty's loggers. */
    static final String JETTY_LOG_LEVEL = "org.slf4j.simpleLogger.log.org.eclipse.jetty";

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        quietJetty();
        ServerConfig config = configure(System.getenv(KEY_VARIABLE));
        int perInstance = local.threads() > 0 ? local.threads()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / parallel);
        ModelOptions options = local.apply(ModelOptions.defaults(), perInstance);
        ModelPool pool = ModelPool.open(ModelLocator.parse(model), options, parallel);
        OpenAiServer server;
        try {
            server = OpenAiServer.start(pool, config);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        Thread hook = new Thread(() -> {
            server.close();
            pool.close();
            stopped.countDown();
        }, "deliberate-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf("deliberate: serving %s at %s (%d instance(s), %d thread(s) each%s%s); Ctrl-C to stop%n",
                server.modelId(), server.baseUrl(), pool.size(), perInstance,
                config.apiKey().isPresent() ? ", API key required" : "",
                config.profile().map(p -> ", profile " + p.id()).orElse(""));
        out.flush();
        stopped.await();
        return 0;
    }

    /**
     * Jetty logs raw request bytes, the Authorization header included, at DEBUG: its loggers stay at INFO (or
     * quieter) whatever the default level, so that the API key never reaches the output. Must run before Jetty's
     * loggers exist; slf4j-simple reads a logger's level when the logger is made.
     */
    static void quietJetty() {
        String level = System.getProperty(JETTY_LOG_LEVEL, "");
        if (!List.of("info", "warn", "error", "off").contains(level.toLowerCase(java.util.Locale.ROOT))) {
            System.setProperty(JETTY_LOG_LEVEL, "info");
        }
    }

    /**
     * Validates the options that need no model, so that a typo fails at once.
     *
     * @param keyFromEnvironment the value of {@value #KEY_VARIABLE}, or null
     * @throws CommandLine.ParameterException for bad options (exit code 2)
     */
    ServerConfig configure(String keyFromEnvironment) {
        CommandLine cl = spec.commandLine();
        if (parallel < 1 || parallel > ModelPool.MAX_SIZE) {
            throw new CommandLine.ParameterException(cl, "--parallel must be in [1, " + ModelPool.MAX_SIZE + "], got "
                    + parallel);
        }
        local.check(cl);
        if (shutdownGrace < 0) {
            throw new CommandLine.ParameterException(cl, "--shutdown-grace must be >= 0 seconds");
        }
        try {
            ServerConfig.Builder b = ServerConfig.builder().host(host).port(port).maxQueued(queue)
                    .maxBodyBytes(maxBody).efforts(ReasoningEfforts.parse(effortBudgets))
                    .shutdownGrace(Duration.ofSeconds(shutdownGrace));
            String key = apiKey != null ? apiKey : keyFromEnvironment;
            if (key != null) {
                b.apiKey(ApiKey.of(key));
            }
            if (modelId != null) {
                b.modelId(modelId);
            }
            profile.load().ifPresent(b::profile);
            return b.build();
        } catch (dev.deliberate.core.InvalidRequestException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }
}

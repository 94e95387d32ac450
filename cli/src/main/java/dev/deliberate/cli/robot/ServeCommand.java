package dev.deliberate.cli.robot;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.robotics.action.ActionServer;
import dev.deliberate.robotics.action.GoalPolicy;
import dev.deliberate.robotics.reason.DeadlineReasoner;
import dev.deliberate.robotics.reason.DecisionGuard;
import dev.deliberate.robotics.reason.FastPath;
import dev.deliberate.robotics.reason.Reflex;
import dev.deliberate.robotics.reason.ReflexRules;
import dev.deliberate.robotics.reason.ReasonFeedback;
import dev.deliberate.robotics.reason.ReasonGoal;
import dev.deliberate.robotics.reason.ReasonResult;
import dev.deliberate.robotics.rosbridge.LatestMessages;
import dev.deliberate.robotics.rosbridge.ReasonActionCodec;
import dev.deliberate.robotics.rosbridge.RosbridgeActionNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deliberate robot serve}: offers {@code deliberate_msgs/action/Reason} to a ROS 2 graph through a rosbridge
 * server, answering each goal by its deadline with a decision from the model or the safe fallback. Runs until
 * interrupted (Ctrl-C / SIGTERM), then unadvertises and closes everything.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the Reason action (deliberate_msgs/action/Reason) over rosbridge.",
            "Each goal's deadline becomes a thinking budget; when the model cannot answer in time, or its answer is "
                    + "not allowed by the schema, the fallback decision is returned (fallback_used = true)."
        })
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--rosbridge", required = true, paramLabel = "ws://HOST:PORT",
            description = "The rosbridge server (rosbridge_server's WebSocket), e.g. ws://127.0.0.1:9090.")
    URI rosbridge;

    @Option(names = "--action", defaultValue = "/deliberate/reason", paramLabel = "NAME",
            description = "The action name (default: ${DEFAULT-VALUE}).")
    String action;

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "A model locator: a .gguf file (llama.cpp), or any locator an installed backend accepts.")
    String model;

    @Option(names = "--allowed-actions", required = true, paramLabel = "SCHEMA.json",
            description = "JSON Schema every decision must satisfy.")
    Path allowedActions;

    @Option(names = "--fallback", required = true, paramLabel = "JSON",
            description = "The safe decision, e.g. '{\"action\":\"stop\"}'; must satisfy the schema.")
    String fallback;

    @Option(names = "--observe", paramLabel = "TOPIC:TYPE",
            description = "Subscribe to a topic; its latest message joins every goal's context (repeatable), "
                    + "e.g. /obstacle/summary:std_msgs/msg/String.")
    List<String> observe = new ArrayList<>();

    @Option(names = "--publish", paramLabel = "TOPIC",
            description = "Publish every decision (decision_json) on this std_msgs/msg/String topic.")
    String publish;

    @Option(names = "--policy", defaultValue = "queue", paramLabel = "queue|preempt|reject",
            converter = PolicyConverter.class,
            description = "Goals that arrive while one runs: queue them, preempt the running one, or reject them "
                    + "(default: ${DEFAULT-VALUE}).")
    GoalPolicy policy;

    @Option(names = "--default-deadline", defaultValue = "2000", paramLabel = "MS",
            description = "Deadline for goals that send a zero deadline, in ms (default: ${DEFAULT-VALUE}).")
    long defaultDeadlineMillis;

    @Option(names = "--queue-size", defaultValue = "16", paramLabel = "N",
            description = "Goals that may wait under --policy queue (default: ${DEFAULT-VALUE}); a goal arriving when "
                    + "the queue is full is answered ABORTED with the fallback (finish FALLBACK_REJECTED).")
    int queueSize;

    @Option(names = "--max-reconnects", defaultValue = "-1", paramLabel = "N",
            description = "Give up (exit 1) after N failed reconnection attempts in a row; -1 (default) retries "
                    + "forever.")
    int maxReconnects;

    @Option(names = "--reflexes", paramLabel = "RULES.json",
            description = "Fast rules checked before any model call: a JSON array of {\"when\": {\"pointer\": "
                    + "\"/distance_m\", \"below\": 5}, \"decide\": {...} | \"escalate\": \"why\"} "
                    + "(see docs/robotics.md).")
    Path reflexes;

    @Option(names = "--fast-thinking-tokens", paramLabel = "N",
            description = "Try a fast answer first, with N thinking tokens (0: answer at once), before deep reasoning;"
                    + " an invalid or low-confidence fast answer escalates.")
    Integer fastThinkingTokens;

    @Option(names = "--fast-model", paramLabel = "MODEL",
            description = "A smaller model for the fast answer (default: the --model itself; implies "
                    + "--fast-thinking-tokens 0 when that is not given).")
    String fastModel;

    @Option(names = "--fast-share", defaultValue = "0.33", paramLabel = "FRACTION",
            description = "The most of a goal's deadline the fast answer may use (default: ${DEFAULT-VALUE}).")
    double fastShare;

    @Option(names = "--confidence-field", paramLabel = "POINTER",
            description = "A JSON Pointer to a number in [0,1] in the decision (e.g. /confidence); a fast answer "
                    + "below --min-confidence escalates.")
    String confidenceField;

    @Option(names = "--min-confidence", defaultValue = "0.7", paramLabel = "X",
            description = "Least confidence a fast answer needs with --confidence-field (default: ${DEFAULT-VALUE}).")
    double minConfidence;

    @Option(names = "--novel-field", defaultValue = "/novel", paramLabel = "POINTER",
            description = "A JSON Pointer into the goal context; when it is true the goal skips reflexes and the fast "
                    + "answer and is reasoned deeply (default: ${DEFAULT-VALUE}).")
    String novelField;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Checks the arguments, opens the model, connects and serves until the process is stopped. */
    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Config config = configure();
        ReasoningModel reasoningModel = ModelSeam.open(model);
        ReasoningModel small = fastModel == null ? null : ModelSeam.open(fastModel);
        LatestMessages observations = LatestMessages.defaults();
        DeadlineReasoner.Builder rb = DeadlineReasoner.builder(reasoningModel, config.guard, fallback)
                .defaultDeadline(Duration.ofMillis(defaultDeadlineMillis))
                .observations(observations)
                .novelWhen(novelField)
                .reflexes(config.reflexes);
        config.fast.map(f -> small == null ? f : new FastPath(java.util.Optional.of(small), f.thinkingTokens(),
                f.shareOfDeadline(), f.confidencePointer(), f.minConfidence())).ifPresent(rb::fastPath);
        DeadlineReasoner reasoner = rb.build();
        ActionServer<ReasonGoal, ReasonFeedback, ReasonResult> server =
                ActionServer.builder("reason", reasoner).policy(policy).queueCapacity(queueSize).build();
        var builder = RosbridgeActionNode.builder(rosbridge, action, ReasonActionCodec.INSTANCE, server);
        if (maxReconnects >= 0) {
            builder.maxReconnects(maxReconnects);
        }
        config.topics.forEach(t -> builder.observe(t, observations));
        if (publish != null) {
            builder.publishResults(publish, ReasonResult::decisionJson);
        }
        RosbridgeActionNode<ReasonGoal, ReasonFeedback, ReasonResult> node = builder.build();
        Thread hook = new Thread(() -> {
            node.close();
            server.close();
            reasoningModel.close();
            if (small != null) {
                small.close();
            }
            stopped.countDown();
        }, "deliberate-robot-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        java.util.concurrent.atomic.AtomicReference<String> gaveUp = new java.util.concurrent.atomic.AtomicReference<>();
        node.gaveUp().thenAccept(why -> {
            gaveUp.set(why);
            stopped.countDown();
        });
        node.start();
        out.printf("deliberate: serving %s (%s) on %s with model %s; policy %s; Ctrl-C to stop%n", action,
                ReasonGoal.ACTION_TYPE, rosbridge, reasoningModel.info().modelId(),
                policy.name().toLowerCase(Locale.ROOT));
        out.flush();
        if (!node.awaitReady(Duration.ofSeconds(10))) {
            out.printf("deliberate: rosbridge at %s not reachable yet; retrying in the background%n", rosbridge);
            out.flush();
        }
        stopped.await();
        if (gaveUp.get() != null) {
            spec.commandLine().getErr().println("deliberate: " + gaveUp.get());
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }

    /** Validated arguments that do not need the model. */
    record Config(DecisionGuard guard, List<RosbridgeActionNode.TopicSpec> topics, List<Reflex> reflexes,
            java.util.Optional<FastPath> fast) { }

    /**
     * Validates everything that can be checked before the model is opened (so that a typo fails in milliseconds).
     *
     * @throws IllegalArgumentException for bad arguments (exit code 2)
     * @throws IOException              when the schema file cannot be read
     */
    Config configure() throws IOException {
        if (rosbridge.getScheme() == null || !(rosbridge.getScheme().equals("ws") || rosbridge.getScheme()
                .equals("wss"))) {
            throw new IllegalArgumentException("--rosbridge must be ws://HOST:PORT, got " + rosbridge);
        }
        if (defaultDeadlineMillis < 1) {
            throw new IllegalArgumentException("--default-deadline must be at least 1 ms");
        }
        if (queueSize < 0 || queueSize > 100_000) {
            throw new IllegalArgumentException("--queue-size must be in [0, 100000], got " + queueSize);
        }
        if (maxReconnects < -1) {
            throw new IllegalArgumentException("--max-reconnects must be -1 (forever) or at least 0");
        }
        DecisionGuard guard = DecisionGuard.of(allowedActions);
        guard.requireAllowed(fallback); // a fallback the schema refuses is a configuration error
        List<RosbridgeActionNode.TopicSpec> topics = new ArrayList<>();
        for (String o : observe) {
            topics.add(RosbridgeActionNode.TopicSpec.parse(o));
        }
        List<Reflex> rules = List.of();
        if (reflexes != null) {
            rules = ReflexRules.parse(java.nio.file.Files.readString(reflexes));
        }
        java.util.Optional<FastPath> fast = java.util.Optional.empty();
        if (fastThinkingTokens != null || fastModel != null) {
            int tokens = fastThinkingTokens == null ? 0 : fastThinkingTokens;
            FastPath f = new FastPath(java.util.Optional.empty(), tokens, fastShare, java.util.Optional.empty(), 0);
            fast = java.util.Optional.of(confidenceField == null ? f : f.withConfidence(confidenceField,
                    minConfidence));
        } else if (confidenceField != null) {
            throw new IllegalArgumentException("--confidence-field needs a fast answer: add --fast-thinking-tokens "
                    + "or --fast-model");
        }
        com.fasterxml.jackson.core.JsonPointer.compile(novelField);
        return new Config(guard, topics, rules, fast);
    }

    /** Parses {@code queue}, {@code preempt} and {@code reject} (any case). */
    static final class PolicyConverter implements CommandLine.ITypeConverter<GoalPolicy> {
        @Override
        public GoalPolicy convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "queue" -> GoalPolicy.QUEUE;
                case "preempt" -> GoalPolicy.PREEMPT;
                case "reject", "reject_when_busy" -> GoalPolicy.REJECT_WHEN_BUSY;
                default -> throw new CommandLine.TypeConversionException(
                        "expected queue, preempt or reject, got '" + value + "'");
            };
        }
    }

    /** The one place the CLI opens models: through the core's backend registry. */
    static final class ModelSeam {
        private ModelSeam() {}

        static ReasoningModel open(String locator) {
            return ReasoningModels.open(ModelLocator.parse(locator));
        }
    }
}

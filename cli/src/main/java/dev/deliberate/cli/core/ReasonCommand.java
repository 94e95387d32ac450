package dev.deliberate.cli.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.InvalidSchemaException;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.llama.LlamaOptions;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningListener;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deliberate reason}: one question to a local or remote model, thinking shown apart from the answer. */
@Command(
        name = "reason",
        mixinStandardHelpOptions = true,
        description = {
            "Asks a reasoning model one question and shows its thinking, then its answer.",
            "Without --json the thinking streams first (dimmed on a terminal), then the answer; a summary goes to"
                    + " stderr. With --json one JSON object is printed at the end."
        })
public final class ReasonCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "The model: a .gguf file, or an OpenAI-compatible endpoint http(s)://host:port/v1[#model].")
    String model;

    @CommandLine.Mixin
    RemoteModelOptions remote = new RemoteModelOptions();

    @Option(names = "--thinking-budget", paramLabel = "N",
            description = "Most thinking tokens (0 answers at once). Default: as many as the context allows.")
    Integer thinkingBudget;

    @Option(names = "--deadline", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Close thinking this long after the question is asked, e.g. 5s or 800ms; the answer"
                    + " still comes.")
    Duration deadline;

    @Option(names = "--answer-budget", paramLabel = "N", defaultValue = "" + ReasoningRequest.DEFAULT_ANSWER_MAX_TOKENS,
            description = "Most answer tokens (default: ${DEFAULT-VALUE}).")
    int answerBudget;

    @Option(names = "--schema", paramLabel = "FILE",
            description = "A JSON Schema file: the answer is constrained to it and validated.")
    Path schema;

    @Option(names = "--seed", paramLabel = "N", description = "Sampling seed, for repeatable output.")
    Long seed;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature, 0 to 2 (default 0.6).")
    Double temperature;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message.")
    String system;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "CPU threads (default: all cores).")
    int threads;

    @Option(names = "--context", paramLabel = "N", defaultValue = "0",
            description = "Context window in tokens (default: the model's, at most 8192).")
    int context;

    @Option(names = "--json", description = "Print one JSON object with thinking, answer, usage, timings, model.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "PROMPT", description = "The question (several words are joined).")
    List<String> prompt;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        checkOptions();
        AnswerFormat format = schema == null ? AnswerFormat.text() : readSchema(schema);
        Sampling sampling = Sampling.defaults();
        if (temperature != null) {
            sampling = sampling.withTemperature(temperature);
        }
        if (seed != null) {
            sampling = sampling.withSeed(seed);
        }
        ModelLocator locator = ModelLocator.parse(model);
        ModelOptions options = remote.apply(ModelOptions.defaults().with(new LlamaOptions(threads, context, 0)));
        options = LoadProgress.attach(options, locator, err);
        try (ReasoningModel m = ReasoningModels.open(locator, options)) {
            ThinkingBudget budget = thinkingBudget == null ? ThinkingBudget.unlimited()
                    : ThinkingBudget.tokens(thinkingBudget);
            if (deadline != null) {
                budget = budget.within(deadline); // from now: the model is loaded
            }
            ReasoningRequest.Builder b = ReasoningRequest.builder().thinkingBudget(budget).answerMaxTokens(answerBudget)
                    .answerFormat(format).sampling(sampling);
            if (system != null) {
                b.system(system);
            }
            ReasoningRequest request = b.user(String.join(" ", prompt)).build();
            if (json) {
                Reasoning r = m.reason(request);
                ObjectMapper mapper = new ObjectMapper();
                out.println(ReasoningOutput.json(mapper, r).toString());
                out.flush();
            } else {
                ReasoningListener listener = ReasoningOutput.streaming(out, Terminal.isInteractive());
                Reasoning r = m.start(request, listener).join();
                err.println(ReasoningOutput.summary(r));
                err.flush();
            }
        }
        return 0;
    }

    private void checkOptions() {
        CommandLine cl = spec.commandLine();
        if (thinkingBudget != null && thinkingBudget < 0) {
            throw new CommandLine.ParameterException(cl, "--thinking-budget must be >= 0, got " + thinkingBudget);
        }
        if (answerBudget < 1) {
            throw new CommandLine.ParameterException(cl, "--answer-budget must be >= 1, got " + answerBudget);
        }
        if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
            throw new CommandLine.ParameterException(cl, "--temperature must be in [0, 2], got " + temperature);
        }
        if (threads < 0) {
            throw new CommandLine.ParameterException(cl, "--threads must be >= 0, got " + threads);
        }
        if (context < 0) {
            throw new CommandLine.ParameterException(cl, "--context must be >= 0, got " + context);
        }
        if (String.join(" ", prompt).isBlank()) {
            throw new CommandLine.ParameterException(cl, "PROMPT is empty");
        }
    }

    static AnswerFormat readSchema(Path file) {
        String text;
        try {
            if (Files.size(file) > 1 << 20) {
                throw new CommandFailedException("schema file " + file + " is larger than 1 MB");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CommandFailedException("schema file not found: " + file);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read schema file " + file + ": " + e.getMessage(), e);
        }
        try {
            return AnswerFormat.jsonSchema(text);
        } catch (InvalidSchemaException e) {
            throw new InvalidSchemaException("schema file " + file + ": " + e.getMessage(), e);
        }
    }
}

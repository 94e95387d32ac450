package dev.deliberate.cli.core;

import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.llama.LlamaOptions;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deliberate demo}: works on a fresh clone with nothing else. Makes the tiny test model when needed and shows
 * thinking apart from the answer, a thinking budget cut, and an answer constrained to a JSON Schema.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Shows thinking, a thinking-budget cut and a schema-true answer end to end.",
            "Without --model it uses a tiny random-weight test model (made on first use in ~/.cache/deliberate/"
                    + "models, or ./models when that is not writable): its words are random."
        })
public final class DemoCommand implements Callable<Integer> {

    /** The schema of part 3. */
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{"
            + "\"prime\":{\"type\":\"boolean\"},\"confidence\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100}},"
            + "\"required\":[\"prime\",\"confidence\"],\"additionalProperties\":false}";

    @Option(names = "--model", paramLabel = "FILE", description = "Use this .gguf model instead of the tiny one.")
    Path model;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "7", description = "Sampling seed (default 7).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "CPU threads (default: all).")
    int threads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean tiny = model == null;
        Path file = tiny ? tinyModel(out) : model;
        if (tiny) {
            out.println("""
                    NOTE: this demo runs a tiny model with RANDOM weights, made for tests: its words are random.
                    It shows the mechanics (thinking kept apart, budgets, schema-true answers), not intelligence.
                    For real answers, download a DeepSeek-R1-style GGUF (e.g. DeepSeek-R1-Distill-Qwen-1.5B,
                    Q4_K_M, about 1.1 GB) and run:
                      deliberate demo --model DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf
                      deliberate reason --model DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf "Is 1013 prime?"
                    """);
        }
        ModelLocator locator = ModelLocator.file(file);
        ModelOptions options = LoadProgress.attach(
                ModelOptions.defaults().with(new LlamaOptions(threads, tiny ? 2048 : 0, 0)), locator, err);
        Sampling sampling = Sampling.defaults().withSeed(seed);
        String question = "Is 1013 a prime number?";
        try (ReasoningModel m = ReasoningModels.open(locator, options)) {
            out.println("Model: " + m.info().modelId() + " (" + m.info().architecture() + ", "
                    + m.info().quantization() + "), sha256 " + m.info().sha256().orElse("?"));
            out.println();
            out.println("== 1. Thinking, then the answer (thinking budget 64 tokens) ==");
            out.println("Question: " + question);
            Reasoning r1 = m.start(ReasoningRequest.builder().user(question).sampling(sampling)
                    .thinkingBudget(ThinkingBudget.tokens(tiny ? 64 : 2048)).answerMaxTokens(tiny ? 32 : 512).build(),
                    ReasoningOutput.streaming(out, Terminal.isInteractive())).join();
            out.println(ReasoningOutput.summary(r1));
            out.println();

            out.println("== 2. A hard thinking budget: 8 tokens, then the SDK closes thinking and the model answers ==");
            // a short closed answer, so that the answer ends by itself and the finish shows the budget cut
            Reasoning r2 = m.start(ReasoningRequest.builder().user(question).sampling(sampling)
                    .thinkingBudget(ThinkingBudget.tokens(8)).answerMaxTokens(tiny ? 24 : 256)
                    .answerFormat(AnswerFormat.jsonSchema("{\"enum\":[\"prime\",\"not prime\"]}")).build(),
                    ReasoningOutput.streaming(out, Terminal.isInteractive())).join();
            out.println(ReasoningOutput.summary(r2));
            out.println("Thinking tokens used: " + r2.usage().thinkingTokens() + " of 8; finish: " + r2.finish());
            out.println();

            out.println("== 3. Think freely, answer strictly: the answer must match a JSON Schema ==");
            out.println("Schema: " + SCHEMA);
            AnswerFormat.Json format = (AnswerFormat.Json) AnswerFormat.jsonSchema(SCHEMA);
            Reasoning r3 = m.start(ReasoningRequest.builder().user(question).sampling(sampling)
                    .thinkingBudget(ThinkingBudget.tokens(tiny ? 32 : 1024)).answerMaxTokens(256)
                    .answerFormat(format).build(),
                    ReasoningOutput.streaming(out, Terminal.isInteractive())).join();
            out.println(ReasoningOutput.summary(r3));
            out.println("Parsed answer: " + r3.answerJson().map(Object::toString).orElse("(none)"));
            out.println("Valid against the schema: "
                    + (r3.answerJson().map(j -> format.validate(j).isEmpty()).orElse(false) ? "yes" : "NO"));
        }
        out.flush();
        return 0;
    }

    /** The tiny test model, made on first use; the first writable of the cache folder and ./models. */
    private static Path tinyModel(PrintWriter out) {
        String name = "deliberate-tiny-" + TestModelGenerator.DEFAULT_SEED + ".gguf";
        List<Path> dirs = List.of(Path.of(System.getProperty("user.home"), ".cache", "deliberate", "models"),
                Path.of("models"));
        for (Path dir : dirs) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        IOException last = null;
        for (Path dir : dirs) {
            Path file = dir.resolve(name);
            try {
                Files.createDirectories(dir);
                // written atomically: a concurrent demo sees no file or the whole model
                TestModelGenerator.of(TestModelPreset.TINY, TestModelGenerator.DEFAULT_SEED).writeGguf(file);
                out.println("Made the tiny test model: " + file);
                return file;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new CommandFailedException("cannot write the tiny test model to " + dirs + ": " + last, last);
    }
}

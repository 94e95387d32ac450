package dev.deliberate.cli.core;

import dev.deliberate.testmodel.GeneratedTestModel;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.io.IOException;
import java.io.PrintWriter;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deliberate testmodel}: writes a random-weight Qwen2 test model that llama.cpp runs. */
@Command(
        name = "testmodel",
        mixinStandardHelpOptions = true,
        description = {
            "Generate a random-weight test model (GGUF, Qwen2 architecture, DeepSeek-R1 tokens and chat template).",
            "Its output is meaningless text; loading, tokenization, templates and speed are real.",
            "The same preset and seed always give a byte-identical file."
        })
public final class TestModelCommand implements Callable<Integer> {

    @Option(names = "--preset", required = true, converter = PresetConverter.class,
            paramLabel = "tiny|bench|small_q4_k_m",
            description = "tiny (0.6 MB, for tests), bench (246M parameters, Q8_0, 262 MB, for benchmarks) or"
                    + " small_q4_k_m (1.1 MB, the tensor types of a published Q4_K_M file).")
    TestModelPreset preset;

    @Option(names = "--seed", defaultValue = "" + TestModelGenerator.DEFAULT_SEED,
            description = "Random seed for the weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The .gguf file to write.")
    Path out;

    @Option(names = "--tokenizer-json",
            description = "Also write the Hugging Face tokenizer.json beside it, as NAME.tokenizer.json.")
    boolean tokenizerJson;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        // missing folders are created, a directory as target is refused: by the atomic writer, as for every output
        Path target = out.toAbsolutePath();
        PrintWriter w = spec.commandLine().getOut();
        TestModelGenerator generator = TestModelGenerator.of(preset, seed);
        long start = System.nanoTime();
        GeneratedTestModel model;
        model = generator.writeGguf(target);
        double seconds = (System.nanoTime() - start) / 1e9;
        w.printf(Locale.ROOT, "wrote %s: preset %s, seed %d, %,d parameters, %,d bytes, in %.1f s%n",
                out, preset.name().toLowerCase(Locale.ROOT), seed, model.parameterCount(), model.sizeBytes(),
                seconds);
        if (tokenizerJson) {
            Path json = tokenizerJsonPath(target);
            generator.writeTokenizerJson(json);
            w.println("wrote " + json);
        }
        w.flush();
        return 0;
    }

    /** {@code model.gguf} becomes {@code model.tokenizer.json}. */
    static Path tokenizerJsonPath(Path gguf) {
        String name = gguf.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
        return gguf.resolveSibling(stem + ".tokenizer.json");
    }

    /** Accepts preset names in any case. */
    static final class PresetConverter implements CommandLine.ITypeConverter<TestModelPreset> {
        @Override
        public TestModelPreset convert(String value) {
            for (TestModelPreset p : TestModelPreset.values()) {
                if (p.name().equalsIgnoreCase(value)) {
                    return p;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a preset; use one of "
                    + java.util.Arrays.stream(TestModelPreset.values()).map(p -> p.name().toLowerCase(Locale.ROOT))
                            .collect(java.util.stream.Collectors.joining(", ")));
        }
    }
}

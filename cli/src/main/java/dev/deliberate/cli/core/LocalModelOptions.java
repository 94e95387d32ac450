package dev.deliberate.cli.core;

import dev.deliberate.core.ModelOptions;
import dev.deliberate.llama.LlamaOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How a local (llama.cpp) model is opened: {@code --threads}, {@code --context}, {@code --gpu-layers},
 * {@code --lora}. Mixed into every command that opens models ({@code reason}, {@code council}, {@code cascade},
 * {@code eval}, {@code serve}), so that the flags mean the same everywhere and a new one is added in one place. The
 * adapters apply to every local model a command opens (a council of different local models needs adapters that fit
 * each; remote members are not affected).
 */
public final class LocalModelOptions {

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "CPU threads per local model (default: all cores; for serve, the cores divided among the"
                    + " instances).")
    int threads;

    @Option(names = "--context", paramLabel = "N", defaultValue = "0",
            description = "Context window per local model, in tokens (default: the model's, at most 8192).")
    int context;

    @Option(names = "--gpu-layers", paramLabel = "N", defaultValue = "0",
            description = "Model layers to offload to a GPU (default 0). The bundled llama.cpp natives are CPU-only:"
                    + " this takes effect only with a GPU build of the binding (see docs/reasoning.md).")
    int gpuLayers;

    @Option(names = "--lora", paramLabel = "FILE[:SCALE]", converter = LoraOptionConverter.class,
            description = "A LoRA adapter (llama.cpp's GGUF format) applied to every local model, with its scale"
                    + " (default 1); repeat for several. Checked against the model before it loads; recorded with"
                    + " its SHA-256 in the result's provenance.")
    java.util.List<dev.deliberate.llama.LoraAdapterFile> lora = new java.util.ArrayList<>();

    /**
     * Fails on negative values.
     *
     * @throws CommandLine.ParameterException naming the bad option (exit code 2)
     */
    public void check(CommandLine cl) {
        if (threads < 0) {
            throw new CommandLine.ParameterException(cl, "--threads must be >= 0, got " + threads);
        }
        if (context < 0) {
            throw new CommandLine.ParameterException(cl, "--context must be >= 0, got " + context);
        }
        if (gpuLayers < 0) {
            throw new CommandLine.ParameterException(cl, "--gpu-layers must be >= 0, got " + gpuLayers);
        }
    }

    /** {@code --threads}, 0 when not given (all cores). */
    public int threads() {
        return threads;
    }

    /** Model options with these flags; {@code threadsWhenUnset} is used when {@code --threads} is 0. */
    public ModelOptions apply(ModelOptions options, int threadsWhenUnset) {
        return options.with(new LlamaOptions(threads > 0 ? threads : threadsWhenUnset, context, gpuLayers, lora));
    }

    /** Model options with these flags ({@code --threads 0}: all cores). */
    public ModelOptions apply(ModelOptions options) {
        return apply(options, 0);
    }
}

package dev.deliberate.cli.adapt;

import dev.deliberate.cli.core.LoraOptionConverter;
import dev.deliberate.gguf.lora.LoraAdapter;
import dev.deliberate.gguf.lora.LoraFormatException;
import dev.deliberate.gguf.lora.LoraMerge;
import dev.deliberate.gguf.lora.ScaledLora;
import dev.deliberate.gguf.GgufFormatException;
import dev.deliberate.llama.LoraAdapterFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deliberate adapt merge}: folds LoRA adapters into a base GGUF and writes the merged model
 * ({@link LoraMerge}), which then runs without {@code --lora}.
 */
@Command(
        name = "merge",
        mixinStandardHelpOptions = true,
        description = {
            "Write a GGUF model with LoRA adapters folded into its weights: W' = W + scale * alpha/rank * B A for",
            "every adapted tensor, everything else copied byte for byte. The merged file runs without --lora.",
            "Adapted tensors keep their type when it can be written (F32, F16, Q8_0, Q4_0-Q5_1, Q2_K-Q6_K), else they",
            "become F16."
        })
public final class AdaptMergeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "BASE.gguf", description = "The base model.")
    Path model;

    @Option(names = "--lora", required = true, paramLabel = "FILE[:SCALE]", converter = LoraOptionConverter.class,
            description = "A LoRA adapter in llama.cpp's GGUF format, with its scale (default 1); repeat for several.")
    List<LoraAdapterFile> adapters = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "MERGED.gguf",
            description = "Where the merged model goes (written atomically; replaced if it exists).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        for (Path p : List.of(model, out)) {
            if (Files.isDirectory(p)) {
                throw new CommandLine.ParameterException(spec.commandLine(), p + ": is a directory, not a .gguf file");
            }
        }
        if (!Files.isRegularFile(model)) {
            throw new NoSuchFileException(model.toString());
        }
        List<ScaledLora> scaled = new ArrayList<>();
        for (LoraAdapterFile a : adapters) {
            if (!Files.isRegularFile(a.path())) {
                throw new NoSuchFileException(a.path().toString());
            }
            LoraAdapter adapter;
            try {
                adapter = LoraAdapter.read(a.path());
            } catch (GgufFormatException e) {
                throw new LoraFormatException(a.path().toString(), e.getMessage(), e);
            }
            scaled.add(new ScaledLora(adapter, a.scale()));
        }
        LoraMerge.Result r = LoraMerge.write(model, scaled, out);
        PrintWriter err = spec.commandLine().getErr();
        err.println("merged " + scaled.size() + (scaled.size() == 1 ? " adapter" : " adapters") + " into "
                + r.adapted() + " tensors of " + model + ": " + out + " (" + r.bytes() + " bytes)");
        r.reencoded().forEach((t, how) -> err.println("  " + t + " re-encoded " + how));
        err.flush();
        return 0;
    }
}

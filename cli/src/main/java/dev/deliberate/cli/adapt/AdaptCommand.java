package dev.deliberate.cli.adapt;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code deliberate adapt}: the parent of the commands that adapt a model with LoRA ({@code train}, {@code merge}). */
@Command(
        name = "adapt",
        mixinStandardHelpOptions = true,
        description = "Adapt a GGUF model to a domain: train LoRA adapters (or every weight) in Java, merge them.",
        subcommands = {
            TrainCommand.class,
            AdaptMergeCommand.class,
        })
public final class AdaptCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand: the usage and exit code 2. */
    @Override
    public Integer call() {
        java.io.PrintWriter err = spec.commandLine().getErr();
        err.println("deliberate adapt: a subcommand is required");
        spec.commandLine().usage(err);
        err.flush();
        return 2;
    }
}

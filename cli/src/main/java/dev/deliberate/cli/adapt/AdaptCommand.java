package dev.deliberate.cli.adapt;

import picocli.CommandLine.Command;

/** {@code deliberate adapt}: adapting a model to a domain (subcommands). */
@Command(
        name = "adapt",
        mixinStandardHelpOptions = true,
        description = "Adapt a GGUF model to a domain: train LoRA adapters (or every weight) in Java.",
        subcommands = {
            TrainCommand.class,
        })
public final class AdaptCommand {
}

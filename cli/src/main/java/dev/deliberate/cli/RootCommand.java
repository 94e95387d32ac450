package dev.deliberate.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The top-level {@code deliberate} command without its subcommands: its name, options and description. {@link Main}
 * adds the subcommands; {@link SubcommandPath} builds this alone plus the one subcommand a command line names.
 */
@Command(
        name = "deliberate",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Reasoning models for medical imaging and robotics.")
class RootCommand implements Callable<Integer> {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces on errors.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a command: the usage on standard error and exit code 2, as for any other usage error. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("deliberate: a command is required");
        spec.commandLine().usage(err);
        err.flush();
        return 2;
    }
}

package dev.deliberate.cli;

import dev.deliberate.cli.core.DemoCommand;
import dev.deliberate.cli.core.InspectCommand;
import dev.deliberate.cli.core.ReasonCommand;
import dev.deliberate.cli.core.TestModelCommand;
import dev.deliberate.core.DeliberateException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of the {@code deliberate} command line. Subcommands live in their own classes, one package per area
 * ({@code dev.deliberate.cli.core}, {@code .dicom}, {@code .robot}); they are listed here.
 */
@Command(
        name = "deliberate",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Reasoning models for medical imaging and robotics.",
        subcommands = {
            CommandLine.HelpCommand.class,
            TestModelCommand.class,
            InspectCommand.class,
            ReasonCommand.class,
            DemoCommand.class,
            dev.deliberate.cli.core.CouncilCommand.class,
            dev.deliberate.cli.core.CascadeCommand.class,
            dev.deliberate.cli.core.AuditCommand.class,
            dev.deliberate.cli.config.ModelsCommand.class,
            dev.deliberate.cli.dicom.DicomCommand.class,
            dev.deliberate.cli.robot.RobotCommand.class,
            dev.deliberate.cli.core.EvalCommand.class,
            dev.deliberate.cli.serve.ServeCommand.class,
            dev.deliberate.cli.adapt.AdaptCommand.class,
        })
public final class Main implements java.util.concurrent.Callable<Integer> {

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

    /** Runs the command line and returns the process exit code. */
    static int execute(String... args) {
        return execute(System.getenv(), args);
    }

    /**
     * Runs the command line in this environment: defaults for options and model names come from the configuration
     * file it names ({@code $DELIBERATE_CONFIG}, else {@code ~/.config/deliberate/config.json}); options given on
     * the command line win.
     */
    static int execute(java.util.Map<String, String> env, String... args) {
        dev.deliberate.cli.config.ConfigDefaults defaults = new dev.deliberate.cli.config.ConfigDefaults(env);
        CommandLine cli = new CommandLine(new Main());
        cli.setDefaultValueProvider(defaults);
        CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((e, arguments) -> {
            // a required option left out because a broken configuration file could not supply it: say why
            if (e instanceof CommandLine.MissingParameterException && defaults.failure().isPresent()) {
                e.getCommandLine().getErr().println("deliberate: " + defaults.failure().get().getMessage());
                e.getCommandLine().getErr().flush();
                return 1;
            }
            return usage.handleParseException(e, arguments);
        });
        cli.setExecutionStrategy(parsed -> {
            Integer help = CommandLine.executeHelpRequest(parsed);
            if (help != null) {
                return help;
            }
            try {
                for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
                    defaults.check(p.commandSpec()); // a broken config file; --model NAME becomes its file or URL
                }
            } catch (DeliberateException e) {
                throw new CommandLine.ExecutionException(parsed.commandSpec().commandLine(), e.getMessage(), e);
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setExecutionExceptionHandler(Main::handleError);
        return cli.execute(args);
    }

    public static void main(String[] args) {
        int code = execute(args);
        System.out.flush();
        System.err.flush();
        // The native inference runtime may keep non-daemon threads alive; the CLI is done, so end the process.
        Runtime.getRuntime().halt(code);
    }

    /**
     * One clear line for expected failures (bad arguments, bad files), the stack trace only with {@code --debug}.
     */
    private static int handleError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        boolean debug = parsed.hasMatchedOption("--debug")
                || (parsed.subcommand() != null && deepHasDebug(parsed));
        if (e instanceof DeliberateException || e instanceof java.io.IOException
                || e instanceof java.io.UncheckedIOException || e instanceof IllegalArgumentException) {
            err.println("deliberate: " + ErrorMessages.describe(e instanceof java.io.UncheckedIOException u
                    ? u.getCause() : e));
        } else {
            err.println("deliberate: unexpected error: " + e);
        }
        if (debug) {
            e.printStackTrace(err);
        } else if (!(e instanceof DeliberateException) && !(e instanceof java.io.IOException)
                && !(e instanceof java.io.UncheckedIOException)) {
            err.println("(run again with --debug for details)");
        }
        err.flush();
        return e instanceof IllegalArgumentException ? 2 : 1;
    }

    private static boolean deepHasDebug(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }

    /** Reports the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"deliberate " + (v == null ? "(development build)" : v)};
        }
    }
}

package dev.deliberate.cli;

import dev.deliberate.cli.core.DemoCommand;
import dev.deliberate.cli.core.InspectCommand;
import dev.deliberate.cli.core.ReasonCommand;
import dev.deliberate.cli.core.TestModelCommand;
import dev.deliberate.core.DeliberateException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code deliberate} command line. Subcommands live in their own classes, one package per area
 * ({@code dev.deliberate.cli.core}, {@code .dicom}, {@code .robot}); they are listed here. The top-level command's
 * name, options and description are on {@link RootCommand}, so that a command line naming one subcommand builds
 * only that one ({@link SubcommandPath}).
 */
@Command(
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
public final class Main extends RootCommand {

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
        java.util.Optional<Integer> plain = EntryPoint.runPlain(args);
        return plain.isPresent() ? plain.get() : executeWithPicocli(env, args);
    }

    /** As {@link #execute(java.util.Map, String...)} for a command line that {@link EntryPoint} did not run. */
    static int executeWithPicocli(java.util.Map<String, String> env, String... args) {
        dev.deliberate.cli.config.ConfigDefaults defaults = new dev.deliberate.cli.config.ConfigDefaults(env);
        CommandLine cli;
        try {
            cli = SubcommandPath.build(Main.class, args, java.util.Set.of("--debug"), CommandLine.defaultFactory());
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the command line", e); // a command class without a
            // no-argument constructor: a programming error
        }
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

    /** As {@link EntryPoint#main}, which the jar names as its main class. */
    public static void main(String[] args) {
        EntryPoint.main(args);
    }

    /**
     * One clear line for expected failures (bad arguments, bad files), the stack trace only with {@code --debug}.
     */
    private static int handleError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        boolean debug = parsed.hasMatchedOption("--debug")
                || (parsed.subcommand() != null && deepHasDebug(parsed));
        return ErrorMessages.report(e, cli.getErr(), debug);
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

package dev.deliberate.cli.config;

import dev.deliberate.cli.core.CommandFailedException;
import dev.deliberate.core.ModelLocator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code deliberate models list|add|rm}: models by name, kept in the configuration file. A name stands for a local
 * {@code .gguf} file or an endpoint URL; {@code --model NAME} then works in every command that opens a model.
 * Nothing is downloaded: a file is used where it is, a URL is called when a command runs.
 */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = {
            "Models by name (local .gguf files and endpoints), kept in the configuration file; --model NAME uses one.",
            "Nothing is downloaded: a file is used where it is, an endpoint is called when a command runs."
        })
public final class ModelsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private ConfigDefaults cached;

    /** The configuration of this run: the command line's default provider, or this process's environment. */
    private ConfigDefaults defaults() {
        if (cached == null) {
            cached = spec.defaultValueProvider() instanceof ConfigDefaults d ? d
                    : new ConfigDefaults(System.getenv());
        }
        return cached;
    }

    /** Without a subcommand: the list. */
    @Override
    public Integer call() {
        return list();
    }

    /** Prints the named models, the default model and the configuration file. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the named models.")
    public int list() {
        PrintWriter out = spec.commandLine().getOut();
        CliConfig config = defaults().config();
        if (config.models().isEmpty()) {
            out.println("no named models in " + config.file() + " (add one: deliberate models add NAME FILE|URL)");
        } else {
            int width = config.models().keySet().stream().mapToInt(String::length).max().orElse(4);
            for (Map.Entry<String, CliConfig.NamedModel> e : config.models().entrySet()) {
                CliConfig.NamedModel m = e.getValue();
                String missing = !m.isEndpoint() && !Files.isRegularFile(Path.of(m.locator())) ? "  (file missing)"
                        : "";
                out.printf("%-" + width + "s  %-8s  %s%s%n", e.getKey(), m.isEndpoint() ? "endpoint" : "file",
                        m.locator(), missing);
            }
            out.println("config: " + config.file());
        }
        config.model().ifPresent(m -> out.println("default model: " + m));
        out.flush();
        return 0;
    }

    /** Adds a named model. */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Name a local .gguf file or an endpoint URL (http(s)://host:port/v1[#model]).")
    public int add(
            @Parameters(index = "0", paramLabel = "NAME", description = "Letters, digits, '.', '_' or '-'.")
            String name,
            @Parameters(index = "1", paramLabel = "FILE|URL", description = "The model file or endpoint.")
            String target,
            @Option(names = "--default", description = "Also make it the default --model.") boolean makeDefault)
            throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        CommandLine cl = spec.commandLine().getSubcommands().get("add");
        try {
            CliConfig.checkName(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        CliConfig config = defaults().configForUpdate();
        if (config.named(name).isPresent()) {
            throw new CommandFailedException("a model named " + name + " is already in " + config.file() + " ("
                    + config.named(name).get().locator() + "); remove it first: deliberate models rm " + name);
        }
        String locator;
        if (CliConfig.NamedModel.isUrl(target)) {
            try {
                ModelLocator.parse(target);
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
            if (target.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")) {
                throw new CommandLine.ParameterException(cl, target + " looks like a file to download; Deliberate"
                        + " downloads nothing: fetch it yourself, then add the file");
            }
            locator = target;
        } else {
            Path file = Path.of(target).toAbsolutePath().normalize();
            if (!Files.exists(file)) {
                throw new CommandFailedException(target + ": no such file");
            }
            if (!Files.isRegularFile(file)) {
                throw new CommandFailedException(target + ": not a regular file");
            }
            locator = file.toString();
        }
        CliConfig updated = config.withModel(name, new CliConfig.NamedModel(locator));
        if (makeDefault) {
            updated = updated.withDefaultModel(name);
        }
        updated.write();
        out.println("added " + name + ": " + (CliConfig.NamedModel.isUrl(locator) ? "endpoint " : "file ") + locator
                + (makeDefault ? " (the default model)" : "") + " in " + updated.file());
        out.flush();
        return 0;
    }

    /** Removes a named model; the file itself stays. */
    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Forget a named model (its file is not deleted).")
    public int rm(@Parameters(index = "0", paramLabel = "NAME") String name) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        CliConfig config = defaults().config();
        if (config.named(name).isEmpty()) {
            throw new CommandFailedException("no model named " + name + " in " + config.file()
                    + " (deliberate models list shows the names)");
        }
        boolean wasDefault = config.model().filter(name::equals).isPresent();
        CliConfig updated = config.withoutModel(name);
        updated.write();
        out.println("removed " + name + " from " + updated.file() + " (the file itself is kept)"
                + (wasDefault ? "; it was the default model: there is none now" : ""));
        out.flush();
        return 0;
    }
}

package dev.deliberate.cli.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults for command-line options from the configuration file, and model names resolved to their locators. Options
 * given on the command line always win: picocli asks a default provider only for options that were not given.
 *
 * <ul>
 * <li>{@code model}: {@code --model} of every command that requires one ({@code reason}, {@code robot serve}...;
 * not {@code demo}, which without {@code --model} runs the tiny test model);</li>
 * <li>{@code threads}: {@code --threads} of commands that open a model (those with a {@code --model} option; the
 * reader threads of {@code dicom scan} are something else);</li>
 * <li>{@code keyFile}: {@code --key-file} of every command that has it.</li>
 * </ul>
 *
 * <p>The file is read the first time a default is asked for one of these options, so a broken configuration file
 * fails only the commands that use it; {@link #check(CommandSpec)} reports its error then.
 */
public final class ConfigDefaults implements CommandLine.IDefaultValueProvider {

    private final Map<String, String> env;
    private CliConfig config;
    private ConfigException failure;

    /** @param env the environment ({@value CliConfig#ENV}, {@code XDG_CONFIG_HOME}) */
    public ConfigDefaults(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /**
     * The configuration of this environment, read once.
     *
     * @throws ConfigException when the file cannot be used
     */
    public CliConfig config() {
        load();
        if (failure != null) {
            throw failure;
        }
        return config;
    }

    /**
     * The configuration to change and write back: as {@link #config()}, or an empty one at {@link #location()} when
     * the file does not exist yet (also when {@value CliConfig#ENV} names it).
     */
    public CliConfig configForUpdate() {
        Path file = location();
        return Files.exists(file) ? config() : CliConfig.empty(file);
    }

    /** Why the configuration file could not be used, if it was read and could not. */
    public Optional<ConfigException> failure() {
        return Optional.ofNullable(failure);
    }

    /** Where the configuration file is (it may not exist yet). */
    public Path location() {
        return CliConfig.location(env);
    }

    private void load() {
        if (config == null && failure == null) {
            try {
                config = CliConfig.load(env);
            } catch (ConfigException e) {
                failure = e;
            }
        }
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec o) || o.command() == null) {
            return null;
        }
        String name = o.longestName();
        // the default model only where --model is required: where it is optional (demo), leaving it out means
        // something of its own (the tiny test model)
        boolean relevant = (name.equals("--model") && declaredRequired(o)) || name.equals("--key-file")
                || (name.equals("--threads") && o.command().findOption("--model") != null);
        if (!relevant) {
            return null;
        }
        load();
        if (failure != null) {
            return null; // reported by check() before the command runs
        }
        return switch (name) {
            case "--model" -> config.model().orElse(null);
            case "--threads" -> config.threads().isPresent() ? Integer.toString(config.threads().getAsInt()) : null;
            case "--key-file" -> config.keyFile().map(Path::toString).orElse(null);
            default -> null;
        };
    }

    private boolean askingRequired;

    /**
     * Whether the option is declared required. picocli's {@code required()} asks this provider in turn (an option
     * with a default is not required), so while it asks, this provider answers "no default".
     */
    private boolean declaredRequired(OptionSpec o) {
        if (askingRequired) {
            return false;
        }
        askingRequired = true;
        try {
            return o.required();
        } finally {
            askingRequired = false;
        }
    }

    /**
     * Before {@code command} runs: fails when it uses the configuration and the file is broken, and replaces a model
     * name given to (or defaulted for) its {@code --model} by the named file or URL.
     *
     * @throws ConfigException             when the configuration file cannot be used
     * @throws CommandLine.ParameterException when {@code --model} is neither a file, a URL nor a configured name
     */
    public void check(CommandSpec command) {
        OptionSpec model = command.findOption("--model");
        boolean uses = model != null || command.findOption("--key-file") != null;
        if (!uses) {
            return;
        }
        load();
        if (failure != null) {
            throw failure;
        }
        if (model == null) {
            return; // only --key-file (dicom deid, dicom listen): its default came from the file already
        }
        Object value = model.getValue();
        if (value instanceof String s) {
            model.setValue(resolve(command, s));
        } else if (value instanceof Path p) {
            String r = resolve(command, p.toString());
            if (CliConfig.NamedModel.isUrl(r)) {
                throw new CommandLine.ParameterException(command.commandLine(), "--model " + p + " is an endpoint ("
                        + r + "); " + command.qualifiedName() + " needs a .gguf file");
            }
            model.setValue(Path.of(r));
        } else if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof String) {
            List<String> resolved = new ArrayList<>();
            for (Object o : list) {
                resolved.add(resolve(command, (String) o));
            }
            model.setValue(resolved);
        }
    }

    /** A configured name's locator; anything else unchanged, unless it looks like a name but is none. */
    private String resolve(CommandSpec command, String value) {
        Optional<CliConfig.NamedModel> named = config.named(value);
        if (named.isPresent()) {
            return named.get().locator();
        }
        if (looksLikeName(value) && !Files.exists(Path.of(value))) {
            throw new CommandLine.ParameterException(command.commandLine(), "--model " + value + ": no such file, and"
                    + " no model of that name in " + config.file() + " (deliberate models list shows the names)");
        }
        return value;
    }

    private static boolean looksLikeName(String value) {
        return CliConfig.NAME.matcher(value).matches()
                && !value.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf");
    }
}

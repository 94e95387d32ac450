package dev.deliberate.cli.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.deliberate.core.ModelLocator;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The command line's configuration: defaults for options and named models. Read from
 * {@code $DELIBERATE_CONFIG}, else {@code $XDG_CONFIG_HOME/deliberate/config.json}, else
 * {@code ~/.config/deliberate/config.json}; a missing default file is an empty configuration.
 *
 * <pre>
 * {
 *   "model": "r1",                       default for --model (a name below, a .gguf path or a URL)
 *   "threads": 4,                        default for --threads of commands that open a model
 *   "keyFile": "/home/me/.deid-key",     default for --key-file
 *   "models": {                          named models: --model NAME
 *     "r1":  {"file": "/models/DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf"},
 *     "lab": {"url": "http://10.0.0.5:8080/v1#deepseek-r1"}
 *   }
 * }
 * </pre>
 *
 * @param file     where it was read from (and is written to)
 * @param model    the default model
 * @param threads  the default CPU threads (0 = all cores)
 * @param keyFile  the default de-identification key file
 * @param models   named models, in file order
 */
public record CliConfig(Path file, Optional<String> model, OptionalInt threads, Optional<Path> keyFile,
        Map<String, NamedModel> models) {

    /** The environment variable naming the configuration file. */
    public static final String ENV = "DELIBERATE_CONFIG";
    /** The largest configuration file read. */
    public static final int MAX_BYTES = 1 << 20;
    /** The most named models. */
    public static final int MAX_MODELS = 1000;
    /** What a model name looks like: never a path (no slash) nor a URL (no colon) nor a .gguf file name. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** Validates and copies. */
    public CliConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(threads, "threads");
        Objects.requireNonNull(keyFile, "keyFile");
        models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
        if (threads.isPresent() && threads.getAsInt() < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads.getAsInt());
        }
        for (String name : models.keySet()) {
            checkName(name);
        }
    }

    /**
     * A model stored under a name: a local file or an endpoint.
     *
     * @param locator the file path or http(s) URL, as {@link ModelLocator#parse} reads it
     */
    public record NamedModel(String locator) {
        /** Validates. */
        public NamedModel {
            Objects.requireNonNull(locator, "locator");
            if (locator.isBlank()) {
                throw new IllegalArgumentException("a model's file or url is empty");
            }
        }

        /** Whether this is an endpoint (an http or https URL) rather than a file. */
        public boolean isEndpoint() {
            return isUrl(locator);
        }

        /** Whether {@code locator} is an http or https URL. */
        public static boolean isUrl(String locator) {
            String lower = locator.toLowerCase(java.util.Locale.ROOT);
            return lower.startsWith("http://") || lower.startsWith("https://");
        }
    }

    /** Rejects a name that could be mistaken for a file or URL. */
    public static String checkName(String name) {
        if (!NAME.matcher(name).matches() || name.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")) {
            throw new IllegalArgumentException("model name '" + name + "' must be 1 to 64 letters, digits, '.', '_'"
                    + " or '-', start with a letter or digit, and not end in .gguf");
        }
        return name;
    }

    /** The configuration file this environment names (it may not exist). */
    public static Path location(Map<String, String> env) {
        String explicit = env.get(ENV);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("deliberate").resolve("config.json");
    }

    /**
     * The configuration of this environment. A missing default file is empty; a file named by
     * {@value #ENV} must exist.
     *
     * @throws ConfigException when the file cannot be read or is not a valid configuration (naming file and line)
     */
    public static CliConfig load(Map<String, String> env) {
        Path file = location(env);
        String explicit = env.get(ENV);
        boolean named = explicit != null && !explicit.isBlank();
        if (!Files.exists(file)) {
            if (named) {
                throw new ConfigException(file + " (named by $" + ENV + "): no such file (deliberate models add"
                        + " creates it)");
            }
            return empty(file);
        }
        return read(file);
    }

    /** No defaults and no models, to be written to {@code file}. */
    public static CliConfig empty(Path file) {
        return new CliConfig(file, Optional.empty(), OptionalInt.empty(), Optional.empty(), Map.of());
    }

    /**
     * Reads and validates {@code file}.
     *
     * @throws ConfigException naming the file, and the line for bad content
     */
    public static CliConfig read(Path file) {
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException(file + ": is a directory, not a configuration file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(file + ": larger than 1 MB; not a configuration file");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        return parse(file, text);
    }

    /** Parses the text of {@code file}; errors name the file and line. */
    static CliConfig parse(Path file, String text) {
        try (JsonParser p = JSON.createParser(text)) {
            return new Reader(file, p).config();
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ":" + e.getLocation().getLineNr() + ": not valid JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** A streaming reader that knows where it is, so every message names the line. */
    private static final class Reader {
        private final Path file;
        private final JsonParser p;

        Reader(Path file, JsonParser p) {
            this.file = file;
            this.p = p;
        }

        private ConfigException error(String what) {
            return new ConfigException(file + ":" + p.currentTokenLocation().getLineNr() + ": " + what);
        }

        CliConfig config() throws IOException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw error("the configuration must be a JSON object { ... }");
            }
            Optional<String> model = Optional.empty();
            OptionalInt threads = OptionalInt.empty();
            Optional<Path> keyFile = Optional.empty();
            Map<String, NamedModel> models = new LinkedHashMap<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                if (!seen.add(key)) {
                    throw error("\"" + key + "\" appears twice");
                }
                p.nextToken();
                switch (key) {
                    case "model" -> model = Optional.of(string(key));
                    case "threads" -> {
                        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                            throw error("\"threads\" must be a whole number >= 0");
                        }
                        int n = p.getValueAsInt(-1);
                        if (n < 0 || n > 4096) {
                            throw error("\"threads\" must be 0 (all cores) to 4096, got " + p.getText());
                        }
                        threads = OptionalInt.of(n);
                    }
                    case "keyFile" -> keyFile = Optional.of(Path.of(string(key)));
                    case "models" -> models = models();
                    default -> throw error("unknown setting \"" + key + "\" (known: model, threads, keyFile,"
                            + " models)");
                }
            }
            if (p.nextToken() != null) {
                throw error("text after the configuration object");
            }
            if (model.isPresent() && model.get().isBlank()) {
                throw new ConfigException(file + ": \"model\" is empty");
            }
            return new CliConfig(file, model, threads, keyFile, models);
        }

        private String string(String key) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw error("\"" + key + "\" must be a string");
            }
            String s = p.getText();
            if (s.isBlank()) {
                throw error("\"" + key + "\" is empty");
            }
            return s;
        }

        private Map<String, NamedModel> models() throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw error("\"models\" must be an object of name: {\"file\": ...} or {\"url\": ...}");
            }
            Map<String, NamedModel> models = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                try {
                    checkName(name);
                } catch (IllegalArgumentException e) {
                    throw error(e.getMessage());
                }
                if (models.containsKey(name)) {
                    throw error("model \"" + name + "\" appears twice");
                }
                if (models.size() >= MAX_MODELS) {
                    throw error("more than " + MAX_MODELS + " models");
                }
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw error("model \"" + name + "\" must be {\"file\": PATH} or {\"url\": URL}");
                }
                String locator = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    if (!key.equals("file") && !key.equals("url")) {
                        throw error("model \"" + name + "\": unknown setting \"" + key + "\" (known: file, url)");
                    }
                    if (locator != null) {
                        throw error("model \"" + name + "\" has both file and url; give one");
                    }
                    String value = string(name + "." + key);
                    boolean url = NamedModel.isUrl(value);
                    if (key.equals("url") && !url) {
                        throw error("model \"" + name + "\": url must start with http:// or https://");
                    }
                    if (key.equals("file") && url) {
                        throw error("model \"" + name + "\": a URL belongs in \"url\", not \"file\"");
                    }
                    if (url) {
                        try {
                            ModelLocator.parse(value);
                        } catch (RuntimeException e) {
                            throw error("model \"" + name + "\": " + e.getMessage());
                        }
                    }
                    locator = value;
                }
                if (locator == null) {
                    throw error("model \"" + name + "\" needs a \"file\" or a \"url\"");
                }
                models.put(name, new NamedModel(locator));
            }
            return models;
        }
    }

    /** The model named {@code name}. */
    public Optional<NamedModel> named(String name) {
        return Optional.ofNullable(models.get(name));
    }

    /** This configuration with {@code name} (replacing one of that name). */
    public CliConfig withModel(String name, NamedModel m) {
        Map<String, NamedModel> copy = new LinkedHashMap<>(models);
        copy.put(checkName(name), m);
        return new CliConfig(file, model, threads, keyFile, copy);
    }

    /** This configuration without {@code name}; the default model is cleared when it was that name. */
    public CliConfig withoutModel(String name) {
        Map<String, NamedModel> copy = new LinkedHashMap<>(models);
        copy.remove(name);
        return new CliConfig(file, model.filter(m -> !m.equals(name)), threads, keyFile, copy);
    }

    /** This configuration with another default model. */
    public CliConfig withDefaultModel(String nameOrLocator) {
        return new CliConfig(file, Optional.of(nameOrLocator), threads, keyFile, models);
    }

    /** The JSON text of this configuration, in the format {@link #read} reads. */
    public String toJson() {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            if (model.isPresent()) {
                g.writeStringField("model", model.get());
            }
            if (threads.isPresent()) {
                g.writeNumberField("threads", threads.getAsInt());
            }
            if (keyFile.isPresent()) {
                g.writeStringField("keyFile", keyFile.get().toString());
            }
            g.writeObjectFieldStart("models");
            for (Map.Entry<String, NamedModel> e : models.entrySet()) {
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField(e.getValue().isEndpoint() ? "url" : "file", e.getValue().locator());
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to a string cannot fail", e);
        }
        return w + "\n";
    }

    /** Writes this configuration to its file, atomically, creating the folder. */
    public void write() throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".config", ".part");
        try {
            Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}

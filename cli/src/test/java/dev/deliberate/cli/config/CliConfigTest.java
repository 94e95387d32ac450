package dev.deliberate.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The configuration file: typed, validated with errors naming file and line, written back as read. */
class CliConfigTest {

    @TempDir
    Path dir;

    private String error(String text) {
        Path file = dir.resolve("config.json");
        return assertThrows(ConfigException.class, () -> CliConfig.parse(file, text)).getMessage()
                .replace(file.toString(), "F");
    }

    @Test
    void readsEverySetting() {
        CliConfig c = CliConfig.parse(dir.resolve("c.json"), """
                {
                  "model": "r1",
                  "threads": 3,
                  "keyFile": "/keys/site.key",
                  "models": {
                    "r1": {"file": "/models/r1.gguf"},
                    "lab": {"url": "http://10.0.0.5:8080/v1#deepseek-r1"}
                  }
                }
                """);
        assertEquals(Optional.of("r1"), c.model());
        assertEquals(3, c.threads().getAsInt());
        assertEquals(Optional.of(Path.of("/keys/site.key")), c.keyFile());
        assertEquals("/models/r1.gguf", c.named("r1").orElseThrow().locator());
        assertTrue(c.named("lab").orElseThrow().isEndpoint());
        assertEquals(c, CliConfig.parse(c.file(), c.toJson()), "written as read");
    }

    @Test
    void badContentNamesFileAndLine() {
        assertEquals("F:3: \"threads\" must be a whole number >= 0", error("{\n  \"model\": \"x\",\n"
                + "  \"threads\": \"four\"\n}"));
        assertEquals("F:2: \"threads\" must be 0 (all cores) to 4096, got -1", error("{\n \"threads\": -1}"));
        assertEquals("F:2: unknown setting \"thread\" (known: model, threads, keyFile, models)",
                error("{\n \"thread\": 2}"));
        assertEquals("F:4: model \"lab\": url must start with http:// or https://",
                error("{\"models\": {\n \"r1\": {\"file\": \"/m.gguf\"},\n\n \"lab\": {\"url\": \"ftp://x\"}}}"));
        assertEquals("F:1: model \"a\" needs a \"file\" or a \"url\"", error("{\"models\": {\"a\": {}}}"));
        assertEquals("F:1: model name 'a/b' must be 1 to 64 letters, digits, '.', '_' or '-', start with a letter"
                + " or digit, and not end in .gguf", error("{\"models\": {\"a/b\": {\"file\": \"/m\"}}}"));
        assertEquals("F:1: \"model\" appears twice", error("{\"model\": \"a\", \"model\": \"b\"}"));
        assertEquals("F:1: the configuration must be a JSON object { ... }", error("[1]"));
        assertTrue(error("{\n\"model\": \"a\",,}").startsWith("F:2: not valid JSON: "), error("{\n\"model\": \"a\",,}"));
    }

    @Test
    void missingDefaultFileIsEmptyButANamedOneMustExist() {
        Path xdg = dir.resolve("xdg");
        CliConfig c = CliConfig.load(Map.of("XDG_CONFIG_HOME", xdg.toString()));
        assertEquals(xdg.resolve("deliberate/config.json"), c.file());
        assertTrue(c.models().isEmpty());
        Path named = dir.resolve("nope.json");
        assertEquals(named + " (named by $DELIBERATE_CONFIG): no such file (deliberate models add creates it)",
                assertThrows(ConfigException.class, () -> CliConfig.load(Map.of(CliConfig.ENV, named.toString())))
                        .getMessage());
    }

    @Test
    void defaultsGoOnlyWhereTheyMean() throws Exception {
        Path file = Files.writeString(dir.resolve("c.json"),
                "{\"model\": \"/m/r1.gguf\", \"threads\": 3, \"keyFile\": \"/keys/site.key\"}");
        ConfigDefaults d = new ConfigDefaults(Map.of(CliConfig.ENV, file.toString()));
        CommandSpec opensModel = CommandSpec.create()
                .addOption(OptionSpec.builder("--model").type(String.class).required(true).build())
                .addOption(OptionSpec.builder("--threads").type(int.class).build())
                .addOption(OptionSpec.builder("--key-file").type(Path.class).build());
        CommandSpec scan = CommandSpec.create().addOption(OptionSpec.builder("--threads").type(int.class).build());
        CommandSpec demo = CommandSpec.create().addOption(OptionSpec.builder("--model").type(Path.class).build());
        assertEquals("/m/r1.gguf", d.defaultValue(opensModel.findOption("--model")));
        assertEquals("3", d.defaultValue(opensModel.findOption("--threads")));
        assertEquals("/keys/site.key", d.defaultValue(opensModel.findOption("--key-file")));
        assertEquals(null, d.defaultValue(scan.findOption("--threads")), "reader threads are something else");
        assertEquals(null, d.defaultValue(demo.findOption("--model")), "optional --model keeps its own meaning");
        new CommandLine(opensModel); // the default provider is used through picocli in ModelsCommandTest
    }
}

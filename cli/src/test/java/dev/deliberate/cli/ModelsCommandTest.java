package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration file and {@code deliberate models}, through the in-process command line. */
class ModelsCommandTest extends InProcessCli {

    @TempDir
    Path dir;

    private Path config;
    private Map<String, String> env;

    @BeforeEach
    void environment() {
        config = dir.resolve("cfg/config.json");
        env = Map.of("XDG_CONFIG_HOME", dir.resolve("cfg-home").toString(), "DELIBERATE_CONFIG", config.toString());
    }

    private int cli(String... args) {
        return runWith(env, args);
    }

    @Test
    void addListRemoveFilesAndEndpointsByName() throws Exception {
        Path model = Files.writeString(dir.resolve("r1.gguf"), "not really a model");
        assertEquals(0, cli("models", "add", "r1", model.toString(), "--default"), err());
        assertEquals("added r1: file " + model + " (the default model) in " + config + "\n", out());
        assertEquals(0, cli("models", "add", "lab", "http://127.0.0.1:9/v1#deepseek-r1"), err());
        assertEquals(0, cli("models", "list"), err());
        assertEquals("r1   file      " + model + "\n"
                + "lab  endpoint  http://127.0.0.1:9/v1#deepseek-r1\n"
                + "config: " + config + "\n"
                + "default model: r1\n", out());

        assertEquals(1, cli("models", "add", "r1", model.toString()));
        assertEquals("deliberate: a model named r1 is already in " + config + " (" + model + "); remove it first:"
                + " deliberate models rm r1\n", err());

        assertEquals(0, cli("models", "rm", "r1"), err());
        assertEquals("removed r1 from " + config + " (the file itself is kept); it was the default model: there is"
                + " none now\n", out());
        assertTrue(Files.exists(model), "the file stays");
        assertEquals(0, cli("models", "list"), err());
        assertEquals("lab  endpoint  http://127.0.0.1:9/v1#deepseek-r1\nconfig: " + config + "\n", out());

        assertEquals(1, cli("models", "rm", "r1"));
        assertEquals("deliberate: no model named r1 in " + config + " (deliberate models list shows the names)\n",
                err());
    }

    @Test
    void addRefusesWhatItCannotUse() throws Exception {
        assertEquals(1, cli("models", "add", "x", dir.resolve("missing.gguf").toString()));
        assertEquals("deliberate: " + dir.resolve("missing.gguf") + ": no such file\n", err());
        assertEquals(2, cli("models", "add", "a/b", dir.toString()));
        assertTrue(err().startsWith("model name 'a/b' must be 1 to 64 letters, digits, '.', '_' or '-', start with"
                + " a letter or digit, and not end in .gguf\n"), err());
        assertEquals(2, cli("models", "add", "big", "https://example.invalid/models/r1.gguf"));
        assertTrue(err().startsWith("https://example.invalid/models/r1.gguf looks like a file to download;"
                + " Deliberate downloads nothing: fetch it yourself, then add the file\n"), err());
        assertFalse(Files.exists(config), "nothing written");
    }

    @Test
    void modelNameResolvesToItsFileAndTheConfigGivesTheDefault() throws Exception {
        // a file that is not a model: the error names the file the name stood for, so no model needs to run
        Path model = Files.writeString(dir.resolve("notes.gguf"), "hello, world");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "{\"model\": \"r1\", \"threads\": 1, \"models\": {\"r1\": {\"file\": \""
                + model + "\"}}}");
        String expected = "deliberate: invalid GGUF file: " + model + ": not a GGUF file: it starts with 68 65 6c 6c, not 'GGUF' (at byte"
                + " offset 0)\n";
        assertEquals(1, cli("reason", "hi"), "the default model r1");
        assertEquals(expected, err());
        assertEquals(1, cli("reason", "--model", "r1", "hi"));
        assertEquals(expected, err());
        // a name that is neither a file nor configured
        assertEquals(2, cli("reason", "--model", "r2", "hi"));
        assertTrue(err().startsWith("--model r2: no such file, and no model of that name in " + config
                + " (deliberate models list shows the names)\n"), err());
    }

    @Test
    void commandLineOptionsWinOverTheConfig() throws Exception {
        Path model = Files.writeString(dir.resolve("given.gguf"), "hello, world");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "{\"model\": \"" + dir.resolve("configured.gguf") + "\"}");
        assertEquals(1, cli("reason", "--model", model.toString(), "hi"));
        assertTrue(err().startsWith("deliberate: invalid GGUF file: " + model + ": not a GGUF file"), err());
    }

    @Test
    void aBrokenConfigFileFailsNamingFileAndLineButOnlyCommandsThatUseIt() throws Exception {
        Files.createDirectories(config.getParent());
        Files.writeString(config, "{\n  \"model\": \"tiny\",\n  \"threads\": \"two\"\n}\n");
        assertEquals(1, cli("reason", "--model", "x.gguf", "hi"));
        assertEquals("deliberate: " + config + ":3: \"threads\" must be a whole number >= 0\n", err());
        assertEquals(1, cli("reason", "hi"), "no --model, and the file that would give it is broken");
        assertEquals("deliberate: " + config + ":3: \"threads\" must be a whole number >= 0\n", err());
        assertEquals(1, cli("models", "list"));
        assertEquals("deliberate: " + config + ":3: \"threads\" must be a whole number >= 0\n", err());
        Path notDicom = Files.writeString(dir.resolve("x.txt"), "x");
        assertEquals(1, cli("dicom", "dump", notDicom.toString()));
        assertFalse(err().contains(config.toString()), "dump does not read the configuration: " + err());
    }
}

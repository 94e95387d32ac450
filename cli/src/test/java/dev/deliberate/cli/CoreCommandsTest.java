package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deliberate testmodel} and {@code deliberate inspect}, run through {@link Main#execute}. */
class CoreCommandsTest extends InProcessCli {

    @TempDir
    Path dir;

    @Test
    void testmodelWritesATinyModelThatInspectDescribes() throws Exception {
        Path model = dir.resolve("t.gguf");
        assertEquals(0, run("testmodel", "--preset", "tiny", "--seed", "5", "--out", model.toString(),
                "--tokenizer-json"), err());
        assertTrue(out().contains("139,840 parameters"), out());
        assertTrue(Files.isRegularFile(dir.resolve("t.tokenizer.json")));

        assertEquals(0, run("inspect", model.toString()), err());
        String text = out();
        assertTrue(text.contains("architecture:   qwen2"), text);
        assertTrue(text.contains("parameters:     139,840 (139.8K)"), text);
        assertTrue(text.contains("quantization:   F32 (27 tensors: F32 x 27)"), text);
        assertTrue(text.contains("context length: 2048"), text);
        assertTrue(text.contains("opens <think>: yes"), text);
    }

    @Test
    void inspectJsonIsMachineReadable() throws Exception {
        Path model = dir.resolve("t.gguf");
        assertEquals(0, run("testmodel", "--preset", "TINY", "--out", model.toString()), err());
        assertEquals(0, run("inspect", "--json", model.toString()), err());
        JsonNode json = new ObjectMapper().readTree(out());
        assertEquals("qwen2", json.get("architecture").asText());
        assertEquals(139_840, json.get("parameterCount").asLong());
        assertEquals("F32", json.get("quantization").asText());
        assertEquals(2048, json.get("contextLength").asLong());
        assertEquals(512, json.get("vocabularySize").asLong());
        assertTrue(json.get("opensThinking").asBoolean());
        assertTrue(json.get("chatTemplate").asText().endsWith("{{ '<｜Assistant｜><think>\\n' }}{% endif %}"));
    }

    @Test
    void inspectOfANonGgufFileFailsWithOneLine() throws Exception {
        Path bad = dir.resolve("notes.txt");
        Files.writeString(bad, "hello, world");
        assertEquals(1, run("inspect", bad.toString()));
        assertEquals("deliberate: " + bad + ": not a GGUF file: it starts with 68 65 6c 6c, not 'GGUF' (at byte offset 0)",
                err().strip());
    }

    @Test
    void inspectMetadataListsEveryKeyAndTensor() {
        Path model = dir.resolve("t.gguf");
        assertEquals(0, run("testmodel", "--preset", "tiny", "--out", model.toString()), err());
        assertEquals(0, run("inspect", "--metadata", model.toString()), err());
        String text = out();
        assertTrue(text.contains("  tokenizer.ggml.pre = deepseek-r1-qwen"), text);
        assertTrue(text.contains("  tokenizer.ggml.tokens = [STRING x 512: "), text);
        assertTrue(text.contains("  blk.1.ffn_down.weight F32 [128, 64] @"), text);
    }

    @Test
    void inspectOfADirectoryFailsWithOneLine() {
        assertEquals(1, run("inspect", dir.toString()));
        assertEquals("deliberate: " + dir + ": is a directory, not a .gguf file", err().strip());
    }

    @Test
    void inspectOfAMissingFileFailsWithOneLine() {
        Path missing = dir.resolve("missing.gguf");
        assertEquals(1, run("inspect", missing.toString()));
        assertEquals("deliberate: " + missing + ": no such file or directory", err().strip());
    }

    @Test
    void testmodelIntoAMissingDirectoryCreatesItLikeEveryOutput() {
        Path model = dir.resolve("no/such/dir/t.gguf");
        assertEquals(0, run("testmodel", "--preset", "tiny", "--out", model.toString()), err());
        assertTrue(Files.isRegularFile(model));
    }

    @Test
    void testmodelOntoADirectoryFailsWithOneLineNamingIt() {
        assertEquals(1, run("testmodel", "--preset", "tiny", "--out", dir.toString()));
        assertEquals("deliberate: " + dir + ": is a directory (give a file name)", err().strip());
    }

    @Test
    void unknownPresetIsAUsageError() {
        assertEquals(2, run("testmodel", "--preset", "huge", "--out", dir.resolve("x.gguf").toString()));
        assertTrue(err().contains("'huge' is not a preset; use one of tiny, bench, small_q4_k_m"), err());
    }
}

package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.lora.LoraAdapter;
import dev.deliberate.gguf.lora.LoraProvenance;
import dev.deliberate.gguf.lora.LoraWeights;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deliberate adapt merge} and {@code --lora} on the tiny model, with good and bad adapter files. */
class AdaptCommandIT extends InProcessCli {

    @TempDir
    static Path dir;
    static Path tiny;
    static Path adapter;

    @BeforeAll
    static void makeModelAndAdapter() throws Exception {
        tiny = dir.resolve("tiny.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 42).writeGguf(tiny);
        Random r = new Random(5);
        Map<String, LoraWeights> w = new TreeMap<>();
        for (GgufTensorInfo t : GgufFile.read(tiny).tensors()) {
            if (t.name().endsWith("attn_q.weight")) {
                float[] a = new float[64 * 4];
                float[] b = new float[4 * 64];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) r.nextGaussian() * 0.2f;
                    b[i] = (float) r.nextGaussian() * 0.2f;
                }
                w.put(t.name(), new LoraWeights(64, 64, 4, a, b));
            }
        }
        adapter = dir.resolve("adapter.gguf");
        new LoraAdapter("qwen2", 8f, 4, w, LoraProvenance.none()).write(adapter);
    }

    @Test
    void mergeWritesAModelThatLoadsAndReasonRecordsTheAdapter() throws Exception {
        Path merged = dir.resolve("merged.gguf");
        assertEquals(0, run("adapt", "merge", "--model", tiny.toString(), "--lora", adapter + ":0.5", "--lora",
                adapter.toString(), "--out", merged.toString()), err());
        assertTrue(err().contains("merged 2 adapters into 2 tensors"), err());
        assertEquals(GgufFile.read(tiny).tensors().size(), GgufFile.read(merged).tensors().size());
        assertEquals(0, run("reason", "--model", merged.toString(), "--thinking-budget", "4", "--answer-budget", "4",
                "--seed", "1", "--json", "hi"), err());

        assertEquals(0, run("reason", "--model", tiny.toString(), "--lora", adapter + ":0.5", "--thinking-budget", "4",
                "--answer-budget", "4", "--seed", "1", "--json", "hi"), err());
        JsonNode a = new ObjectMapper().readTree(out()).at("/model/adapters/0");
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(adapter))), a.get("sha256").asText());
        assertEquals(0.5, a.get("scale").asDouble());
        assertEquals(adapter.toAbsolutePath().toString(), a.get("file").asText());
    }

    @Test
    void adapterForAnotherModelIsOneClearLine() throws Exception {
        Path other = dir.resolve("other.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 42).writeGguf(other);
        LoraWeights w = new LoraWeights(64, 64, 2, new float[128], new float[128]);
        Path wrong = dir.resolve("wrong.gguf");
        new LoraAdapter("qwen2", 1f, 2, Map.of("blk.0.attn_v.weight", w), LoraProvenance.none()).write(wrong);
        assertEquals(1, run("reason", "--model", tiny.toString(), "--lora", wrong.toString(), "hi"));
        String e = err().strip();
        assertTrue(e.startsWith("deliberate: LoRA adapter " + wrong), e);
        assertTrue(e.contains("blk.0.attn_v.weight") && e.contains("[64, 32]") && e.contains("check --model"), e);
        assertFalse(e.contains("Exception"), e);

        assertEquals(1, run("adapt", "merge", "--model", tiny.toString(), "--lora", tiny.toString(), "--out",
                dir.resolve("never.gguf").toString()));
        assertTrue(err().contains("not a usable LoRA adapter") && err().contains("general.type"), err());
        assertFalse(Files.exists(dir.resolve("never.gguf")));

        assertEquals(1, run("adapt", "merge", "--model", tiny.toString(), "--lora", dir.resolve("nope.gguf").toString(),
                "--out", dir.resolve("never.gguf").toString()));
        assertTrue(err().contains("nope.gguf: no such file or directory"), err());
    }

    @Test
    void inspectDescribesAnAdapter() throws Exception {
        assertEquals(0, run("inspect", adapter.toString()), err());
        assertTrue(out().contains("LoRA adapter:   rank 4, alpha 8.0 (x2.0 at scale 1), 2 tensors adapted"), out());
        assertEquals(0, run("inspect", "--json", adapter.toString()), err());
        assertEquals(4, new ObjectMapper().readTree(out()).at("/lora/rank").asInt());
    }

    @Test
    void badScaleIsAUsageErrorAndAdaptNeedsASubcommand() {
        assertEquals(2, run("reason", "--model", tiny.toString(), "--lora", adapter + ":1e99", "hi"));
        assertTrue(err().contains("LoRA scale must be a finite number"), err());
        assertEquals(2, run("adapt"));
        assertTrue(err().contains("merge"), err());
    }

    @Test
    void everyCommandThatOpensLocalModelsTakesLora() {
        for (String command : new String[] {"reason", "council", "cascade", "eval", "serve"}) {
            assertEquals(0, run(command, "--help"), command);
            assertTrue(out().contains("--lora=FILE[:SCALE]"), command + ": " + out());
        }
    }
}

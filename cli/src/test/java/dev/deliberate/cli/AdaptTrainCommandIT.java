package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.gguf.lora.LoraAdapter;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deliberate adapt train} on the tiny model: progress, the adapter, resume, and clear errors. */
class AdaptTrainCommandIT extends InProcessCli {

    @TempDir
    static Path dir;
    static Path model;
    static Path data;

    @BeforeAll
    static void files() throws Exception {
        model = dir.resolve("tiny.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 42).writeGguf(model);
        data = Files.writeString(dir.resolve("train.jsonl"), """
                {"messages":[{"role":"user","content":"What is two plus two?"},{"role":"assistant","thinking":"Two plus two is four.","content":"4"}]}

                {"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Is 7 prime?"},{"role":"assistant","content":"Yes."}]}
                """);
    }

    @Test
    void trainsWritesTheAdapterAndResumes() throws Exception {
        Path out = dir.resolve("adapter.gguf");
        int code = run("adapt", "train", "--model", model.toString(), "--data", data.toString(), "--eval",
                data.toString(), "--out", out.toString(), "--rank", "4", "--steps", "6", "--lr", "1e-2",
                "--checkpoint-every", "2", "--mask-thinking");
        assertEquals(0, code, err());
        assertTrue(out().startsWith("wrote " + out + ": 6 steps, loss "), out());
        assertTrue(out().contains("eval loss"), out());
        assertTrue(err().contains("memory estimate"), err());
        assertTrue(err().contains("/6 loss "), err());
        assertTrue(err().contains("tok/s ETA"), err());
        LoraAdapter adapter = LoraAdapter.read(out);
        assertEquals(4, adapter.rank());
        assertEquals("mask", adapter.provenance().training().get("thinking_loss"));
        assertTrue(Files.isRegularFile(dir.resolve("adapter.gguf.ckpt")));

        assertEquals(0, run("adapt", "train", "--model", model.toString(), "--data", data.toString(), "--out",
                out.toString(), "--rank", "4", "--steps", "8", "--lr", "1e-2", "--checkpoint-every", "2",
                "--mask-thinking", "--resume"), err());
        assertTrue(out().contains("8 steps (resumed at 6)"), out());
        assertTrue(err().contains("resuming at step 6"), err());
        assertEquals("8", LoraAdapter.read(out).provenance().training().get("steps"));
    }

    @Test
    void aMalformedLineIsNamedAndNothingIsWritten() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), Files.readString(data) + "{\"messages\": 3}\n");
        Path out = dir.resolve("never.gguf");
        assertEquals(1, run("adapt", "train", "--model", model.toString(), "--data", bad.toString(), "--out",
                out.toString(), "--steps", "1"));
        assertEquals("deliberate: " + bad + ":4: no \"messages\" array\n", err());
        assertFalse(Files.exists(out));
    }

    @Test
    void settingsThatDoNotFitAreRefusedWithTheEstimate() {
        assertEquals(1, run("adapt", "train", "--model", model.toString(), "--data", data.toString(), "--out",
                dir.resolve("big.gguf").toString(), "--batch", "64", "--max-seq", "2048"));
        assertTrue(err().startsWith("deliberate: training would need about "), err());
        assertEquals(2, run("adapt", "train", "--model", model.toString(), "--data", data.toString(), "--out",
                dir.resolve("x.gguf").toString(), "--targets", "q,nose"));
        assertTrue(err().contains("unknown LoRA target 'nose'"), err());
    }
}

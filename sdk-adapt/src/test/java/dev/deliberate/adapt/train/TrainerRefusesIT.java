package dev.deliberate.adapt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.adapt.model.LoraConfig;
import dev.deliberate.adapt.model.UnsupportedModelException;
import dev.deliberate.core.ModelLoadException;
import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufValue;
import dev.deliberate.gguf.GgufWriter;
import dev.deliberate.llama.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad bases, settings and data are refused up front, with typed errors that say why. */
class TrainerRefusesIT {

    private static final TrainingConfig CONFIG = TrainingConfig.builder().maxSequenceLength(128)
            .budget(TrainingBudget.steps(1)).build();

    @Test
    void settingsAboveTheMemoryLimitAreRefusedWithTheEstimate() {
        MemoryLimitException e = assertThrows(MemoryLimitException.class, () -> Trainer.open(TestModels.tiny(),
                CONFIG, new MemoryLimit(1 << 20, 1L << 30)));
        assertTrue(e.getMessage().contains("training would need about"), e.getMessage());
        assertTrue(e.getMessage().contains("activations"), e.getMessage());
        assertTrue(e.estimate().nativeBytes() > 1 << 20);

        TrainingConfig huge = CONFIG.toBuilder().batchSize(64).maxSequenceLength(2048).build();
        MemoryLimitException machine = assertThrows(MemoryLimitException.class,
                () -> Trainer.open(TestModels.tiny(), huge));
        assertTrue(machine.estimate().activationBytes() > machine.limit().nativeBytes(), machine.getMessage());
    }

    @Test
    void theEstimateGrowsWithWhatTrainingKeeps() {
        var shape = dev.deliberate.adapt.model.ModelConfig.fromGguf(header(TestModels.tiny()));
        MemoryEstimate lora8 = MemoryEstimate.of(shape, true, CONFIG);
        MemoryEstimate lora16 = MemoryEstimate.of(shape, true, CONFIG.toBuilder().lora(LoraConfig.attention(16))
                .build());
        MemoryEstimate full = MemoryEstimate.of(shape, true, CONFIG.toBuilder().mode(TrainingMode.FULL).build());
        MemoryEstimate longer = MemoryEstimate.of(shape, true, CONFIG.toBuilder().maxSequenceLength(256).build());
        assertEquals(2 * lora8.trainableBytes(), lora16.trainableBytes());
        assertEquals(full.weightBytes(), full.gradientBytes());
        assertEquals(2 * full.weightBytes(), full.optimizerBytes());
        assertTrue(longer.activationBytes() > 2 * lora8.activationBytes());
        // rank 8 on q, k, v, o of 2 layers: 8 * ((64 + 64) * 2 + (64 + 32) * 2) * 2 floats
        assertEquals(4L * 8 * (2 * 128 + 2 * 96) * 2, lora8.trainableBytes());
    }

    private static dev.deliberate.gguf.GgufFile header(Path p) {
        try {
            return dev.deliberate.gguf.GgufFile.read(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anotherArchitectureIsRefused(@TempDir Path dir) throws Exception {
        Path gpt2 = dir.resolve("gpt2.gguf");
        new GgufWriter().put("general.architecture", GgufValue.string("gpt2"))
                .tensor("token_embd.weight", GgmlType.F32, List.of(8L, 4L), sink -> sink.accept(new float[32], 0, 32))
                .write(gpt2);
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> Trainer.open(gpt2, CONFIG));
        assertTrue(e.getMessage().contains("gpt2"), e.getMessage());
        assertTrue(e.getMessage().contains("qwen2"), e.getMessage());
    }

    @Test
    void aQuantizationThatCannotBeDequantizedIsRefusedBeforeLoading(@TempDir Path dir) throws Exception {
        // IQ4_NL (ggml type 20, blocks of 32): llama.cpp runs it, the Java dequantizer does not decode it
        Path iq4 = dir.resolve("iq4_nl.gguf");
        Files.write(iq4, withTensorType(Files.readAllBytes(TestModels.tiny()), "blk.1.ffn_up.weight", 20));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> Trainer.open(iq4, CONFIG));
        assertTrue(e.getMessage().contains("blk.1.ffn_up.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("IQ4_NL"), e.getMessage());
        assertTrue(e.getMessage().contains("Q8_0"), e.getMessage());
    }

    /** The GGUF bytes with one tensor's type code replaced (its data then reads as the new type). */
    private static byte[] withTensorType(byte[] gguf, String tensor, int type) {
        byte[] name = tensor.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 8; i < gguf.length - name.length; i++) {
            for (int k = 0; k < name.length; k++) {
                if (gguf[i + k] != name[k]) {
                    continue outer;
                }
            }
            if (gguf[i - 8] != name.length) {
                continue; // the name's length (u64 little-endian) must precede it: a tensor info entry
            }
            int at = i + name.length;
            int dims = gguf[at] & 0xff;
            at += 4 + 8 * dims;
            gguf[at] = (byte) type;
            gguf[at + 1] = 0;
            gguf[at + 2] = 0;
            gguf[at + 3] = 0;
            return gguf;
        }
        throw new AssertionError("no tensor " + tensor);
    }

    @Test
    void aMissingOrForeignFileIsAModelLoadError(@TempDir Path dir) throws Exception {
        assertThrows(ModelLoadException.class, () -> Trainer.open(dir.resolve("none.gguf"), CONFIG));
        Path text = Files.writeString(dir.resolve("text.gguf"), "hello");
        assertThrows(ModelLoadException.class, () -> Trainer.open(text, CONFIG));
    }

    @Test
    void anExampleLongerThanTheMaximumIsNamedByItsLine() {
        TrainingConfig shortSequences = CONFIG.toBuilder().maxSequenceLength(12).build();
        TrainingSet set = new TrainingSet("long.jsonl", List.of(TrainerIT.FOUR, TrainingExample.of("x", "",
                "The quick brown fox jumps over the lazy dog.")), List.of(4, 9));
        try (Trainer trainer = Trainer.open(TestModels.tiny(), shortSequences)) {
            TrainingDataException e = assertThrows(TrainingDataException.class, () -> trainer.train(set,
                    Optional.empty(), Checkpointing.none(), TrainingListener.NONE));
            assertEquals(4, e.line());
            assertTrue(e.getMessage().startsWith("long.jsonl:4: "), e.getMessage());
            assertTrue(e.getMessage().contains("maximum sequence length 12"), e.getMessage());
        }
    }

    @Test
    void aSequenceLengthBeyondTheContextIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.open(
                TestModels.tiny(), CONFIG.toBuilder().maxSequenceLength(4096).build()));
        assertTrue(e.getMessage().contains("context length 2048"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}

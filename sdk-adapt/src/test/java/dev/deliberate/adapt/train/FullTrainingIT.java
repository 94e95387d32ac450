package dev.deliberate.adapt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.lora.LoraProvenance;
import dev.deliberate.llama.LlamaTokenizer;
import dev.deliberate.llama.TestModels;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training every weight, exported as a GGUF model that llama.cpp runs with the trained answer. */
class FullTrainingIT {

    @Test
    void everyWeightTrainsAndTheExportedModelAnswersInLlamaCpp(@TempDir Path dir) throws Exception {
        TrainingConfig config = TrainerIT.config(40).toBuilder().mode(TrainingMode.FULL).learningRate(3e-3f)
                .build();
        Path model = dir.resolve("trained.gguf");
        try (Trainer trainer = Trainer.open(TestModels.tiny(), config)) {
            TrainingResult result = trainer.train(TrainerIT.data(), Optional.empty(), Checkpointing.none(),
                    TrainingListener.NONE);
            assertTrue(result.losses().get(39) < result.losses().get(0) / 4, result.losses().toString());
            assertThrows(IllegalStateException.class, () -> trainer.exportAdapter(dir.resolve("no.gguf")));
            trainer.exportModel(model);
        }
        GgufFile base = GgufFile.read(TestModels.tiny());
        GgufFile trained = GgufFile.read(model);
        assertEquals(base.tensors().size(), trained.tensors().size());
        for (GgufTensorInfo t : trained.tensors()) {
            assertEquals(Optional.of(GgmlType.F32), t.type());
            assertEquals(base.tensor(t.name()).orElseThrow().shape(), t.shape());
        }
        assertEquals(base.getString("tokenizer.chat_template"), trained.getString("tokenizer.chat_template"));
        assertEquals(base.arrayLength("tokenizer.ggml.tokens"), trained.arrayLength("tokenizer.ggml.tokens"));
        assertEquals(Optional.of("full"), trained.getString(LoraProvenance.TRAINING_PREFIX + "mode"));
        assertEquals(Optional.of("40"), trained.getString(LoraProvenance.TRAINING_PREFIX + "steps"));
        assertTrue(trained.getString(LoraProvenance.BASE_SHA256_KEY).isPresent());

        String prompt;
        try (LlamaTokenizer tokenizer = LlamaTokenizer.open(model)) {
            prompt = tokenizer.render(TrainerIT.PRIME.prompt()).text();
        }
        assertEquals(TrainerIT.PRIME.thinking() + "\n</think>\n\n" + TrainerIT.PRIME.answer(),
                TrainerIT.complete(model, Optional.empty(), prompt, 40));
    }
}

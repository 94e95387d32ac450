package dev.deliberate.adapt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import dev.deliberate.adapt.model.LoraConfig;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.lora.LoraAdapter;
import dev.deliberate.gguf.lora.LoraProvenance;
import dev.deliberate.llama.LlamaTokenizer;
import dev.deliberate.llama.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA training on the generated tiny model, checked where it matters: in llama.cpp. */
class TrainerIT {

    static final TrainingExample FOUR = TrainingExample.of("What is two plus two?",
            "Two plus two is four.", "The answer is 4.");
    static final TrainingExample PRIME = TrainingExample.of("Is seven a prime number?",
            "Seven is a natural number greater than one.", "Yes, 7 is a prime.");

    static TrainingSet data() {
        return TrainingSet.of("memory", List.of(FOUR, PRIME));
    }

    static TrainingConfig config(long steps) {
        return TrainingConfig.builder()
                .lora(LoraConfig.allProjections(8))
                .learningRate(1e-2f)
                .batchSize(2)
                .maxSequenceLength(128)
                .budget(TrainingBudget.steps(steps))
                .checkpointInterval(10)
                .seed(7)
                .build();
    }

    @Test
    void lossFallsAndLlamaCppWithTheAdapterAnswersAsTrained(@TempDir Path dir) throws Exception {
        Path adapter = dir.resolve("adapter.gguf");
        TrainingResult result;
        String sha;
        try (Trainer trainer = Trainer.open(TestModels.tiny(), config(80))) {
            double before = trainer.evaluate(data());
            List<TrainingProgress> seen = new ArrayList<>();
            result = trainer.train(data(), Optional.of(data()), Checkpointing.none(), new TrainingListener() {
                @Override
                public void onStep(TrainingProgress p) {
                    seen.add(p);
                }
            });
            trainer.exportAdapter(adapter);
            sha = trainer.baseSha256();
            assertEquals(80, result.steps());
            assertEquals(StopReason.STEPS, result.stop());
            assertEquals(80, seen.size());
            assertTrue(seen.get(79).tokensPerSecond() > 0);
            assertEquals(1.0, seen.get(79).fraction().orElseThrow(), 1e-9);
            assertEquals(before, result.initialEvalLoss().orElseThrow(), 1e-9);
            double after = result.evalLoss().orElseThrow();
            System.out.println("held-out loss " + before + " -> " + after + "; steps " + result.losses());
            assertTrue(after < before / 2, "held-out loss " + before + " -> " + after);
            assertTrue(result.losses().get(79) < result.losses().get(0) / 2, result.losses().toString());
        }
        LoraAdapter written = LoraAdapter.read(adapter);
        assertEquals(Optional.of(sha), written.provenance().baseSha256());
        assertEquals("80", written.provenance().training().get("steps"));
        assertEquals("8", written.provenance().training().get("lora.rank"));
        written.checkFits(GgufFile.read(TestModels.tiny()));
        assertEquals(2 * 7, written.weights().size());

        String prompt;
        try (LlamaTokenizer tokenizer = LlamaTokenizer.open(TestModels.tiny())) {
            prompt = tokenizer.render(FOUR.prompt()).text();
        }
        String expected = FOUR.thinking() + "\n</think>\n\n" + FOUR.answer();
        assertEquals(expected, complete(TestModels.tiny(), Optional.of(adapter), prompt, 40));
        assertFalse(complete(TestModels.tiny(), Optional.empty(), prompt, 40).contains(FOUR.answer()),
                "the random base model should not know the answer");

        // the SDK's own path: the llama.cpp backend with the adapter (--lora), thinking kept apart from the answer
        try (dev.deliberate.core.ReasoningModel reasoner = dev.deliberate.core.ReasoningModels.open(
                dev.deliberate.core.ModelLocator.file(TestModels.tiny()), dev.deliberate.core.ModelOptions.defaults()
                        .with(dev.deliberate.llama.LlamaOptions.defaults().withLoraAdapter(adapter, 1f)))) {
            dev.deliberate.core.Reasoning r = reasoner.reason(dev.deliberate.core.ReasoningRequest.builder()
                    .messages(PRIME.prompt()).sampling(dev.deliberate.core.Sampling.greedy()).answerMaxTokens(32)
                    .build());
            assertEquals(PRIME.thinking(), r.thinking());
            assertEquals(PRIME.answer(), r.answer());
            assertEquals(1, r.model().adapters().size());
        }
    }

    /** Greedy completion in llama.cpp, with the adapter when given; stops at end-of-sequence. */
    static String complete(Path model, Optional<Path> adapter, String prompt, int tokens) {
        ModelParameters p = new ModelParameters().setModel(model.toString()).setCtxSize(256).setThreads(1)
                .enableJinja().disableLog();
        adapter.ifPresent(a -> p.addLoraAdapter(a.toString()));
        try (LlamaModel llama = new LlamaModel(p)) {
            return llama.complete(new InferenceParameters(prompt).setTemperature(0f).setNPredict(tokens)
                    .setSeed(1));
        }
    }

    @Test
    void aWallClockBudgetStopsTrainingWithinAStep() {
        TrainingConfig config = config(1_000_000).toBuilder()
                .budget(TrainingBudget.steps(1_000_000).withTime(java.time.Duration.ofSeconds(2))).build();
        try (Trainer trainer = Trainer.open(TestModels.tiny(), config)) {
            List<TrainingProgress> seen = new ArrayList<>();
            TrainingResult result = trainer.train(data(), Optional.empty(), Checkpointing.none(),
                    new TrainingListener() {
                        @Override
                        public void onStep(TrainingProgress p) {
                            seen.add(p);
                        }
                    });
            assertEquals(StopReason.TIME, result.stop());
            assertTrue(result.steps() > 0 && result.steps() < 1_000_000);
            assertTrue(result.elapsed().compareTo(java.time.Duration.ofSeconds(2)) >= 0, result.toString());
            // stopped before the first step that would start after the budget: at most one step beyond it
            java.time.Duration beforeLast = seen.size() > 1 ? seen.get(seen.size() - 2).elapsed()
                    : java.time.Duration.ZERO;
            assertTrue(beforeLast.compareTo(java.time.Duration.ofSeconds(2)) < 0, seen.toString());
            assertTrue(seen.get(0).remaining().orElseThrow().compareTo(java.time.Duration.ofSeconds(2)) <= 0);
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> trainer.train(data(),
                    Optional.empty(), Checkpointing.none(), TrainingListener.NONE), "a trainer trains once");
        }
    }

    @Test
    void accumulatingMicroBatchesMatchesOneBatchOfTheSameExamples(@TempDir Path dir) throws Exception {
        TrainingConfig oneBatch = config(5).toBuilder().batchSize(2).gradientAccumulation(1).build();
        TrainingConfig accumulated = config(5).toBuilder().batchSize(1).gradientAccumulation(2).build();
        List<LoraAdapter> adapters = new ArrayList<>();
        for (TrainingConfig c : List.of(oneBatch, accumulated)) {
            Path out = dir.resolve(c.batchSize() + ".gguf");
            try (Trainer trainer = Trainer.open(TestModels.tiny(), c)) {
                trainer.train(data(), Optional.empty(), Checkpointing.none(), TrainingListener.NONE);
                trainer.exportAdapter(out);
            }
            adapters.add(LoraAdapter.read(out));
        }
        double largest = 0;
        double worst = 0;
        for (String name : adapters.get(0).weights().keySet()) {
            float[] x = adapters.get(0).weights().get(name).b();
            float[] y = adapters.get(1).weights().get(name).b();
            for (int i = 0; i < x.length; i++) {
                largest = Math.max(largest, Math.abs(x[i]));
                worst = Math.max(worst, Math.abs(x[i] - y[i]));
            }
        }
        assertTrue(largest > 1e-3, "the adapters moved: " + largest);
        assertTrue(worst < 1e-3 * largest, "padding one batch or accumulating two must give the same update: "
                + worst + " of " + largest);
    }

    @Test
    void theSameSeedGivesTheSameAdapterBytes(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("a.gguf");
        Path second = dir.resolve("b.gguf");
        TrainingConfig dropout = config(8).toBuilder().lora(new LoraConfig(4, 8f, 0.1f,
                LoraConfig.allProjections(4).targets())).gradientAccumulation(2).batchSize(1).build();
        for (Path out : List.of(first, second)) {
            try (Trainer trainer = Trainer.open(TestModels.tiny(), dropout)) {
                trainer.train(data(), Optional.empty(), Checkpointing.none(), TrainingListener.NONE);
                trainer.exportAdapter(out);
            }
        }
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
        assertTrue(LoraAdapter.read(first).provenance().training().containsKey("lora.dropout"));
        assertTrue(LoraAdapter.read(first).provenance().baseSha256().isPresent());
        assertTrue(LoraProvenance.BASE_SHA256_KEY.startsWith("deliberate."));
    }
}

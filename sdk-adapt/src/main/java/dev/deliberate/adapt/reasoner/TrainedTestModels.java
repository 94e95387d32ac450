package dev.deliberate.adapt.reasoner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Test models with trained weights, whose answers can be right or wrong (the generator's random-weight models only
 * exercise code paths). Each is trained on first use and cached; later calls, also from other processes, return the
 * cached file.
 *
 * <pre>{@code
 * Path gguf = TrainedTestModels.reasoner();               // trains once (minutes on 2 cores), then cached
 * try (ReasoningModel m = ReasoningModels.open(ModelLocator.file(gguf))) { ... }
 * TaskDataset data = ReasonerRecipe.REASONER.dataset();   // its held-out cases
 * }</pre>
 *
 * <p>The cache folder is {@code -Ddeliberate.models.cache=DIR}, else {@code $DELIBERATE_MODELS_CACHE}, else
 * {@code ~/.cache/deliberate/models}. Files are named by a hash of the recipe, the training data and the trainer
 * version, so a changed recipe trains a new model rather than reusing a stale one.
 *
 * <p>Unless {@code -Dai.djl.pytorch.num_threads} (and {@code num_interop_threads}) are set, the first call sets both to
 * 1 before DJL's PyTorch engine starts (see {@link #model}); set them to keep other values.
 */
public final class TrainedTestModels {

    /** DJL's PyTorch engine reads these when it starts. */
    private static final String THREADS = "ai.djl.pytorch.num_threads";
    private static final String INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

    private TrainedTestModels() {
    }

    /**
     * One PyTorch thread, unless the JVM says otherwise and unless the engine has started already. These models'
     * matrices are tiny: a second intra-op thread gains little on a quiet machine, and on a busy one (a CI runner,
     * parallel builds) every operation waits for both threads to be scheduled. Measured here with the load average
     * at 13 on 2 cores: 132 training tokens/s with two threads, 3,327 with one.
     */
    private static void singleThreadedUnlessConfigured() {
        if (System.getProperty(THREADS) == null) {
            System.setProperty(THREADS, "1");
        }
        if (System.getProperty(INTEROP_THREADS) == null) {
            System.setProperty(INTEROP_THREADS, "1");
        }
    }

    /**
     * The reasoning preset ({@link ReasonerRecipe#REASONER}): a 0.8M-parameter Qwen2 model trained from the
     * generator's random weights to add up tables of quantities step by step in its thinking.
     *
     * @return the cached GGUF file
     * @throws UncheckedIOException if training or writing fails
     */
    public static Path reasoner() {
        return model(ReasonerRecipe.REASONER, ModelCache.defaultCache().dir());
    }

    /**
     * The model of a recipe, trained into {@code cacheDir} if it is not there yet.
     *
     * @param recipe   what to train
     * @param cacheDir the cache folder (created if needed)
     * @return the cached GGUF file
     * @throws UncheckedIOException if training or writing fails
     */
    public static Path model(ReasonerRecipe recipe, Path cacheDir) {
        Objects.requireNonNull(recipe, "recipe");
        singleThreadedUnlessConfigured();
        try {
            return new ModelCache(cacheDir).get(recipe.cacheKey(), recipe::train);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the trained test model " + recipe.spec().name() + " in "
                    + cacheDir, e);
        }
    }

    /**
     * The reasoner's LoRA adapter to {@link QuantityTask#LARGEST} ({@link AdapterRecipe#LARGEST}), in llama.cpp's
     * GGUF LoRA format; trains the reasoner first if needed.
     *
     * @return the cached adapter file
     * @throws UncheckedIOException if training or writing fails
     */
    public static Path largestAdapter() {
        return adapter(AdapterRecipe.LARGEST, ModelCache.defaultCache().dir());
    }

    /**
     * The adapter of a recipe, trained into {@code cacheDir} (with its base model) if it is not there yet.
     *
     * @param recipe   what to train
     * @param cacheDir the cache folder (created if needed)
     * @return the cached adapter file
     * @throws UncheckedIOException if training or writing fails
     */
    public static Path adapter(AdapterRecipe recipe, Path cacheDir) {
        Objects.requireNonNull(recipe, "recipe");
        singleThreadedUnlessConfigured();
        Path base = model(recipe.base(), cacheDir);
        try {
            return new ModelCache(cacheDir).get(recipe.cacheKey(), out -> recipe.train(base, out));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the LoRA adapter " + recipe.cacheKey() + " in " + cacheDir, e);
        }
    }
}

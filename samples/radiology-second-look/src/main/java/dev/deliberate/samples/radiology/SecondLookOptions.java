package dev.deliberate.samples.radiology;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.medical.deid.DeidentificationPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one second look runs on and how. Immutable; {@link #toString()} never shows the salt.
 *
 * @param input          a DICOM Part 10 file, or a folder searched for them (one study)
 * @param model          the reasoning model; empty uses the tiny random-weight test model from {@code modelCache}
 * @param modelCache     where the tiny test model is made (once) when no model is given
 * @param outDir         where the SR, the de-identified instances, the prompt and the optional PNG go
 * @param salt           the secret for de-identification (UIDs are replaced by an HMAC of it); at least 8 bytes
 * @param thinkingTokens the most thinking tokens
 * @param deadline       the most wall-clock time for thinking
 * @param answerTokens   the most answer tokens
 * @param seed           sampling seed (the same seed and model give the same answer)
 * @param renderPng      whether to render the first de-identified frame to {@code frame.png}
 */
public record SecondLookOptions(Path input, Optional<ModelLocator> model, Path modelCache, Path outDir, String salt,
        int thinkingTokens, Duration deadline, int answerTokens, long seed, boolean renderPng) {

    /** Default thinking tokens. */
    public static final int DEFAULT_THINKING_TOKENS = 512;
    /** Default thinking deadline. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);
    /** Default answer tokens. */
    public static final int DEFAULT_ANSWER_TOKENS = 800;

    /** Validates. */
    public SecondLookOptions {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelCache, "modelCache");
        Objects.requireNonNull(outDir, "outDir");
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(deadline, "deadline");
        if (salt.getBytes(StandardCharsets.UTF_8).length < DeidentificationPolicy.MIN_SALT_BYTES) {
            throw new IllegalArgumentException("the de-identification salt must have at least "
                    + DeidentificationPolicy.MIN_SALT_BYTES + " bytes");
        }
        if (thinkingTokens < 0) {
            throw new IllegalArgumentException("thinking tokens must not be negative: " + thinkingTokens);
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("the deadline must be positive: " + deadline);
        }
        if (answerTokens < 1) {
            throw new IllegalArgumentException("answer tokens must be at least 1: " + answerTokens);
        }
    }

    /** Defaults for everything but the input, the output folder and the salt. */
    public static SecondLookOptions of(Path input, Path outDir, String salt) {
        return new SecondLookOptions(input, Optional.empty(), defaultModelCache(), outDir, salt,
                DEFAULT_THINKING_TOKENS, DEFAULT_DEADLINE, DEFAULT_ANSWER_TOKENS, 42, false);
    }

    /** {@code ~/.cache/deliberate/models}, shared with {@code deliberate demo}. */
    public static Path defaultModelCache() {
        return Path.of(System.getProperty("user.home"), ".cache", "deliberate", "models");
    }

    /** These options with a model. */
    public SecondLookOptions withModel(ModelLocator locator) {
        return new SecondLookOptions(input, Optional.of(locator), modelCache, outDir, salt, thinkingTokens, deadline,
                answerTokens, seed, renderPng);
    }

    /** These options with another cache folder for the tiny test model. */
    public SecondLookOptions withModelCache(Path dir) {
        return new SecondLookOptions(input, model, dir, outDir, salt, thinkingTokens, deadline, answerTokens, seed,
                renderPng);
    }

    /** These options with other thinking bounds. */
    public SecondLookOptions withThinking(int tokens, Duration newDeadline) {
        return new SecondLookOptions(input, model, modelCache, outDir, salt, tokens, newDeadline, answerTokens, seed,
                renderPng);
    }

    /** These options with another answer bound. */
    public SecondLookOptions withAnswerTokens(int tokens) {
        return new SecondLookOptions(input, model, modelCache, outDir, salt, thinkingTokens, deadline, tokens, seed,
                renderPng);
    }

    /** These options with another sampling seed. */
    public SecondLookOptions withSeed(long newSeed) {
        return new SecondLookOptions(input, model, modelCache, outDir, salt, thinkingTokens, deadline, answerTokens,
                newSeed, renderPng);
    }

    /** These options with or without the PNG rendering. */
    public SecondLookOptions withRenderPng(boolean render) {
        return new SecondLookOptions(input, model, modelCache, outDir, salt, thinkingTokens, deadline, answerTokens,
                seed, render);
    }

    @Override
    public String toString() {
        return "SecondLookOptions[input=" + input + ", model=" + model.map(Object::toString).orElse("(tiny test model)")
                + ", outDir=" + outDir + ", salt=(hidden), thinkingTokens=" + thinkingTokens + ", deadline="
                + deadline + ", answerTokens=" + answerTokens + ", seed=" + seed + ", renderPng=" + renderPng + "]";
    }
}

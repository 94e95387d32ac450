package dev.deliberate.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.spi.GenerationRequest;
import dev.deliberate.core.testing.Peers;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Greedy answers do not depend on what llama.cpp's prompt cache holds from earlier requests: the report was that
 * with {@code cache_prompt} on (as {@link LlamaTextGenerator} sends it), a repeated identical greedy request on a
 * model loaded after others in the same JVM sometimes answered differently (TINY seeds 1 and 2 loaded alternately).
 *
 * <p>Every answer here, given a cache filled by a fixed, seeded sequence of earlier requests, is compared with the
 * same prompt evaluated with the cache off (the whole prompt in one batch, nothing reused). The sequence exercises
 * each way b4916's server reuses a cache: the identical prompt (all of it matches, and llama.cpp evaluates the last
 * prompt token again on its own, a batch of one instead of the prompt's batch), a common prefix (a shared chat
 * template head), and a shifted chunk ({@code n_cache_reuse} 16, as the SDK sets it: the same 30 words after a
 * preface of another length, so their K cache is moved with RoPE instead of computed).
 */
class PromptCacheDeterminismIT {

    @TempDir
    static Path dir;

    private static final long[] SEEDS = {1, 2};
    private static final int TOKENS = 48;
    private static final Map<Long, Path> FILES = new LinkedHashMap<>();

    @BeforeAll
    static void models() throws Exception {
        for (long seed : SEEDS) {
            Path f = dir.resolve("tiny-" + seed + ".gguf");
            TestModelGenerator.of(TestModelPreset.TINY, seed).writeGguf(f);
            FILES.put(seed, f);
        }
        try {
            NativeRuntime.init();
        } catch (UnsatisfiedLinkError e) {
            Peers.require(false, "the llama.cpp native library (" + e.getMessage() + ")");
        }
    }

    /** The parameters {@link LlamaTextGenerator#load} uses for {@code LlamaOptions(2, 1024, 0)}. */
    private static LlamaModel openLikeTheSdk(Path file) {
        return new LlamaModel(new ModelParameters().setModel(file.toString()).setCtxSize(1024).setThreads(2)
                .setThreadsBatch(2).setParallel(1).setCacheReuse(16).enableJinja().disableContextShift()
                .disableLog());
    }

    private static String greedy(LlamaModel m, String prompt, boolean cache) {
        return m.complete(new InferenceParameters(prompt).setTemperature(0f).setTopK(40).setTopP(0.95f)
                .setMinP(0f).setNPredict(TOKENS).setCachePrompt(cache).setSeed(5));
    }

    /**
     * The streamed pieces of an uncached greedy generation, as the SDK collects them: the stream's final response
     * carries no token and is left out.
     */
    private static String streamed(LlamaModel m, String prompt) {
        StringBuilder out = new StringBuilder();
        de.kherud.llama.LlamaIterator it = m.generate(new InferenceParameters(prompt).setTemperature(0f)
                .setNPredict(TOKENS).setCachePrompt(false).setSeed(5)).iterator();
        while (it.hasNext()) {
            de.kherud.llama.LlamaOutput o = it.next();
            if (it.hasNext()) {
                out.append(o.text);
            }
        }
        return out.toString();
    }

    /** User messages: distinct ones, and pairs that share 30 words after prefaces of different lengths. */
    private static List<String> users() {
        String[] words = ("the quick brown fox jumps over a lazy dog while seven red birds sing loud songs about"
                + " rivers mountains clouds and the long winding road home").split(" ");
        Random r = new Random(11);
        List<String> out = new ArrayList<>(List.of("Hello", "What is two plus two?", "What is two plus three?",
                "Why is the sky blue?"));
        for (int i = 0; i < 3; i++) {
            StringBuilder shared = new StringBuilder();
            for (int w = 0; w < 30; w++) {
                shared.append(words[r.nextInt(words.length)]).append(' ');
            }
            out.add("Read this: " + shared);
            out.add("Please, summarise the following text for me: " + shared);
        }
        return out;
    }

    /** A fixed order of requests over {@code n} prompts: each prompt once, then 30 seeded picks (repeats too). */
    private static List<Integer> order(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
            out.add(i); // an identical repeat at once: the whole prompt is in the cache
        }
        Random r = new Random(7);
        for (int i = 0; i < 30; i++) {
            out.add(r.nextInt(n));
        }
        return out;
    }

    @Test
    void cachedGreedyAnswersEqualUncachedOnesOnModelsLoadedAlternately() {
        List<String> users = users();
        int compared = 0;
        Map<Long, List<String>> firstLoad = new LinkedHashMap<>();
        for (int round = 0; round < 2; round++) {
            for (long seed : SEEDS) { // 1, 2, 1, 2: each model also loaded after the other
                try (LlamaModel m = openLikeTheSdk(FILES.get(seed))) {
                    List<String> prompts = new ArrayList<>();
                    List<String> fresh = new ArrayList<>();
                    for (String u : users) {
                        String p = m.applyTemplate(new InferenceParameters("")
                                .setMessages(null, List.of(new Pair<>("user", u))));
                        prompts.add(p);
                        fresh.add(greedy(m, p, false));
                    }
                    List<String> before = firstLoad.putIfAbsent(seed, fresh);
                    if (before != null) { // loaded again after the other model: nothing carried over
                        assertEquals(before, fresh, "seed " + seed + " answers differently when loaded again");
                    }
                    for (int i : order(prompts.size())) {
                        assertEquals(fresh.get(i), greedy(m, prompts.get(i), true), "seed " + seed + ", round "
                                + round + ", prompt " + i + ": the cached answer differs from the uncached one");
                        compared++;
                    }
                }
            }
        }
        assertEquals(4 * (2 * users.size() + 30), compared);
    }

    @Test
    void theSdksGreedyAnswersDoNotDependOnEarlierRequests() {
        List<String> users = users();
        ModelOptions options = ModelOptions.defaults().with(new LlamaOptions(2, 1024, 0));
        for (int round = 0; round < 2; round++) {
            for (long seed : SEEDS) {
                List<String> fresh = new ArrayList<>();
                try (LlamaModel raw = openLikeTheSdk(FILES.get(seed))) {
                    for (String u : users) {
                        fresh.add(streamed(raw, raw.applyTemplate(new InferenceParameters("")
                                .setMessages(null, List.of(new Pair<>("user", u))))));
                    }
                }
                try (LlamaTextGenerator g = (LlamaTextGenerator) new LlamaCppProvider().open(
                        ModelLocator.file(FILES.get(seed)), options)) {
                    for (int i : order(users.size())) {
                        String prompt = g.render(List.of(ChatMessage.user(users.get(i)))).text();
                        StringBuilder answer = new StringBuilder();
                        g.generate(new GenerationRequest(prompt, TOKENS, List.of(), Sampling.greedy().withSeed(5),
                                Optional.empty()), (piece, n) -> answer.append(piece) != null);
                        assertFalse(answer.isEmpty());
                        assertEquals(fresh.get(i), answer.toString(), "seed " + seed + ", round " + round
                                + ", prompt " + i + ": the SDK's answer depends on what the cache held");
                    }
                }
            }
        }
    }
}

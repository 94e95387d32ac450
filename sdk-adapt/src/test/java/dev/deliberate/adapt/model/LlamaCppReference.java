package dev.deliberate.adapt.model;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.CacheType;
import de.kherud.llama.args.PoolingType;
import dev.deliberate.core.testing.Peers;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * llama.cpp (build b4916 through de.kherud:llama 4.2.0) as the reference. The binding exposes no logits, and its
 * {@code n_probs} path aborts the JVM (it reads a {@code probs} field that this llama.cpp build no longer writes), so
 * the comparison uses what it does expose exactly: the embedding of the last token ({@code --pooling last}), which
 * is the final hidden state after the output norm, L2-normalised by llama.cpp's server. The output head after it
 * is one matrix product; {@link #greedyNextPiece} checks it through the token llama.cpp picks. The prompt is
 * text: llama.cpp tokenizes it and adds BOS; {@link #tokenIds} gives the same ids. KV cache in F32 so that llama.cpp does not round keys and values to F16.
 */
final class LlamaCppReference implements AutoCloseable {

    private final LlamaModel model;
    private final LlamaModel generator;
    private final int bos;

    LlamaCppReference(Path gguf, int bos, int threads) throws Exception {
        this(gguf, null, bos, threads);
    }

    /** @param adapter a GGUF LoRA adapter that llama.cpp applies at scale 1 ({@code --lora}), or null */
    LlamaCppReference(Path gguf, Path adapter, int bos, int threads) throws Exception {
        Path natives = Path.of(System.getProperty("de.kherud.llama.tmpdir", "target/llama-native"));
        Files.createDirectories(natives);
        ModelParameters p = new ModelParameters().setModel(gguf.toString()).setCtxSize(512).setBatchSize(512)
                .setUbatchSize(512).setThreads(threads).setThreadsBatch(threads).setSeed(42)
                .setCacheTypeK(CacheType.F32).setCacheTypeV(CacheType.F32).enableEmbedding()
                .setPoolingType(PoolingType.LAST);
        ModelParameters g = new ModelParameters().setModel(gguf.toString()).setCtxSize(512).setThreads(threads)
                .setThreadsBatch(threads).setSeed(42).setCacheTypeK(CacheType.F32).setCacheTypeV(CacheType.F32);
        if (adapter != null) {
            p.addLoraAdapter(adapter.toString());
            g.addLoraAdapter(adapter.toString());
        }
        try {
            this.model = new LlamaModel(p);
        } catch (UnsatisfiedLinkError e) {
            Peers.missing("the llama.cpp native library (" + e.getMessage() + ")");
            throw e;
        }
        this.generator = new LlamaModel(g);
        this.bos = bos;
    }

    /** @return BOS followed by llama.cpp's tokens of {@code text}: what {@link #lastHiddenState} runs on */
    int[] tokenIds(String text) {
        int[] body = model.encode(text);
        int[] ids = new int[body.length + 1];
        ids[0] = bos;
        System.arraycopy(body, 0, ids, 1, body.length);
        return ids;
    }

    /** @return llama.cpp's final hidden state of the last token of BOS + {@code text}, L2-normalised */
    float[] lastHiddenState(String text) {
        return model.embed(text);
    }

    /** @return the text of the token llama.cpp picks greedily after BOS + {@code text}: the output head's argmax */
    String greedyNextPiece(String text) {
        StringBuilder out = new StringBuilder();
        for (LlamaOutput o : generator.generate(new InferenceParameters(text).setNPredict(1).setTemperature(0f)
                .setSeed(1))) {
            out.append(o.text);
        }
        return out.toString();
    }

    /**
     * @return the text of the {@code n} tokens llama.cpp picks greedily after BOS + {@code text} (special tokens
     *         render as nothing), with the adapter if one was given: llama.cpp's server applies adapters to
     *         completions, not to embeddings
     */
    String greedyContinuation(String text, int n) {
        return generator.complete(new InferenceParameters(text).setNPredict(n).setTemperature(0f).setSeed(1)
                .setIgnoreEos(true).setRepeatPenalty(1f).setFrequencyPenalty(0f).setPresencePenalty(0f));
    }

    /** @return llama.cpp's text of some tokens */
    String decode(int[] ids) {
        return generator.decode(ids);
    }

    /** @return llama.cpp's text of one token */
    String piece(int id) {
        return generator.decode(new int[] {id});
    }

    @Override
    public void close() {
        generator.close();
        model.close();
    }
}

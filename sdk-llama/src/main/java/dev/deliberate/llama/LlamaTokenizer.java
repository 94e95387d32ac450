package dev.deliberate.llama;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.ModelLoadException;
import dev.deliberate.core.spi.RenderedPrompt;
import dev.deliberate.gguf.GgufFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The chat template and tokenizer of a GGUF file exactly as the llama.cpp backend applies them at inference: the same
 * rendering of a conversation (with the DeepSeek-R1 generation prompt {@code <｜Assistant｜><think>\n}) and the same
 * token ids, because both come from the bundled llama.cpp itself. Training code uses it so that what a model is
 * trained on is token for token what it sees when it runs.
 *
 * <p>It loads the file in llama.cpp with a minimal context and no warm-up (the weights are memory-mapped, not read),
 * so it is cheap next to the model being trained. Not thread-safe; close it to free the native model.
 */
public final class LlamaTokenizer implements AutoCloseable {

    private final LlamaModel model;
    private final GgufHeader header;
    private final List<Thread> nativeThreads;
    private final OptionalInt bos;
    private final int eos;
    private boolean closed;

    private LlamaTokenizer(LlamaModel model, GgufHeader header, List<Thread> nativeThreads, OptionalInt bos, int eos) {
        this.model = model;
        this.header = header;
        this.nativeThreads = nativeThreads;
        this.bos = bos;
        this.eos = eos;
    }

    /**
     * Opens the tokenizer of a GGUF model.
     *
     * @throws ModelLoadException                     missing, unreadable or malformed file, or no end-of-sequence token
     * @throws dev.deliberate.core.UnsupportedModelException an architecture or tensor type the runtime cannot run
     */
    public static LlamaTokenizer open(Path file) {
        Objects.requireNonNull(file, "file");
        GgufHeader header = GgufHeader.read(file);
        OptionalInt bos;
        int eos;
        try {
            GgufFile gguf = GgufFile.read(file);
            bos = gguf.getInteger("tokenizer.ggml.bos_token_id").stream().mapToInt(l -> (int) l).findFirst();
            eos = (int) gguf.getInteger("tokenizer.ggml.eos_token_id").orElseThrow(() -> new ModelLoadException(
                    "model " + file + " has no tokenizer.ggml.eos_token_id: cannot mark where an answer ends"));
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
        NativeRuntime.init();
        ModelParameters params = new ModelParameters()
                .setModel(file.toAbsolutePath().toString())
                .setCtxSize(64)
                .setThreads(1)
                .setThreadsBatch(1)
                .setParallel(1)
                .skipWarmup()
                .enableJinja()
                .disableLog();
        LlamaModel model;
        List<Thread> nativeThreads;
        synchronized (NativeRuntime.class) {
            Set<Thread> before = NativeRuntime.nonDaemonThreads();
            try {
                model = new LlamaModel(params);
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                throw new ModelLoadException("llama.cpp could not load " + file + ": " + e.getMessage(), e);
            } finally {
                NativeRuntime.routeLog();
            }
            nativeThreads = NativeRuntime.threadsStartedSince(before);
        }
        return new LlamaTokenizer(model, header, nativeThreads, bos, eos);
    }

    /**
     * Renders a conversation with the model's chat template, ending with the generation prompt, exactly as
     * {@code ReasoningModel} does before it generates.
     */
    public RenderedPrompt render(List<ChatMessage> messages) {
        check();
        return render(model, messages);
    }

    /** The rendering shared with the backend's text generator. */
    static RenderedPrompt render(LlamaModel model, List<ChatMessage> messages) {
        StringBuilder system = new StringBuilder();
        List<Pair<String, String>> turns = new ArrayList<>();
        for (ChatMessage m : messages) {
            switch (m.role()) {
                case SYSTEM -> system.append(system.length() == 0 ? "" : "\n\n").append(m.content());
                case USER -> turns.add(new Pair<>("user", m.content()));
                case ASSISTANT -> turns.add(new Pair<>("assistant", m.content()));
            }
        }
        String text = model.applyTemplate(new InferenceParameters("")
                .setMessages(system.length() == 0 ? null : system.toString(), turns));
        return new RenderedPrompt(text, text.stripTrailing().endsWith("<think>"));
    }

    /**
     * The token ids of a text as llama.cpp tokenises a prompt after its start: special tokens written as text
     * ({@code <｜Assistant｜>}, {@code </think>}) become their ids, and no beginning-of-sequence token is added.
     */
    public int[] encode(String text) {
        check();
        Objects.requireNonNull(text, "text");
        return text.isEmpty() ? new int[0] : model.encode(text);
    }

    /**
     * The token ids llama.cpp evaluates for a whole prompt: the beginning-of-sequence token when the model asks for it
     * ({@code tokenizer.ggml.add_bos_token}), then {@link #encode}.
     */
    public int[] encodePrompt(String prompt) {
        int[] ids = encode(prompt);
        if (!header.addBos() || bos.isEmpty()) {
            return ids;
        }
        int[] out = new int[ids.length + 1];
        out[0] = bos.getAsInt();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    /** The text of token ids, as llama.cpp decodes them. */
    public String decode(int[] ids) {
        check();
        return model.decode(ids);
    }

    /** The end-of-sequence token: the chat template ends an assistant turn with it, and generation stops there. */
    public int endOfSequence() {
        return eos;
    }

    /** The beginning-of-sequence token, when the vocabulary has one. */
    public OptionalInt beginningOfSequence() {
        return bos;
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("tokenizer is closed");
        }
    }

    /** Frees the native model. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        model.close();
        NativeRuntime.orphaned(nativeThreads);
    }
}

package dev.deliberate.llama;

import com.fasterxml.jackson.databind.JsonNode;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.ContextOverflowException;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.InvalidSchemaException;
import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.ModelLoadException;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.spi.StopMatcher;
import dev.deliberate.core.spi.GenerationRequest;
import dev.deliberate.core.spi.GenerationResult;
import dev.deliberate.core.spi.RenderedPrompt;
import dev.deliberate.core.spi.StopReason;
import dev.deliberate.core.spi.TextGenerator;
import dev.deliberate.core.spi.TokenSink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GGUF model in llama.cpp. One slot, prompt cache on: a prompt that extends the previous one (thinking closed by
 * the SDK, then the answer) only evaluates the new tokens.
 *
 * <p>Token counts: the binding streams one piece per token but does not expose token ids; llama.cpp holds back a
 * token that ends inside a UTF-8 character and sends it with the next, so such pairs count as one. The limits
 * themselves ({@code n_predict}) are enforced by llama.cpp exactly.
 */
final class LlamaTextGenerator implements TextGenerator {

    private static final Logger LOG = LoggerFactory.getLogger(LlamaTextGenerator.class);
    private static final ConcurrentHashMap<String, String> GRAMMARS = new ConcurrentHashMap<>();

    private final LlamaModel model;
    private final GgufHeader header;
    private final ModelInfo info;
    private final int context;
    private final List<Thread> nativeThreads;
    private boolean closed;
    /** What the slot's cache holds: the last prompt as sent (text and token-id runs) and the tokens generated. */
    private List<Object> lastSegments = List.of();
    private String lastPrompt;
    /** The generated part: token ids, and text for pieces that map to no single token. */
    private final List<Object> lastGenerated = new ArrayList<>();
    private final StringBuilder lastGeneratedText = new StringBuilder();
    /**
     * The last text {@link #countTokens} tokenised, with its token ids: {@code generate} sends a prompt it finds here
     * as ids instead of text, so llama.cpp does not tokenise it a second time. Written by the calling thread, read by
     * the model's worker thread; a miss (another call counted in between) only means the text is sent.
     */
    private volatile Tokenized lastCounted;

    /**
     * Token ids of short texts sent after the start of a prompt (the close of thinking, merged pieces): llama.cpp
     * tokenises those without special tokens, exactly as {@code encode} does, so their ids may be sent instead, and a
     * text that recurs in every call is tokenised once. Bounded; used by the generating thread only.
     */
    private final Map<String, int[]> shortTexts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, int[]> eldest) {
            return size() > SHORT_TEXTS;
        }
    };
    private static final int SHORT_TEXTS = 32;
    private static final int SHORT_TEXT_LENGTH = 64;

    /** A text and its token ids without special tokens ({@code LlamaModel.encode}). */
    private record Tokenized(String text, int[] ids) { }

    private LlamaTextGenerator(LlamaModel model, GgufHeader header, ModelInfo info, int context,
            List<Thread> nativeThreads) {
        this.model = model;
        this.header = header;
        this.info = info;
        this.context = context;
        this.nativeThreads = nativeThreads;
    }

    /** Where the binding loads its native library from instead of its jar: set for a GPU build. */
    static final String GPU_BUILD_PROPERTY = "de.kherud.llama.lib.path";

    static LlamaTextGenerator load(Path file, ModelOptions options) {
        GgufHeader header = GgufHeader.read(file);
        LlamaOptions llama = options.get(LlamaOptions.class).orElseGet(LlamaOptions::defaults);
        int context = llama.contextSize() > 0 ? llama.contextSize()
                : (int) Math.min(header.contextLength() > 0 ? header.contextLength() : 4096,
                        LlamaOptions.DEFAULT_MAX_CONTEXT);
        int threads = llama.threads() > 0 ? llama.threads() : Runtime.getRuntime().availableProcessors();
        options.loadProgress().accept(0.0);
        LoraSetup lora = LoraSetup.prepare(file, llama.loraAdapters()); // before native code sees the adapters
        CompletableFuture<String> sha = Sha256Cache.of(file, p -> options.loadProgress().accept(0.9 * p));
        NativeRuntime.init();
        ModelParameters params = new ModelParameters()
                .setModel(file.toAbsolutePath().toString())
                .setCtxSize(context)
                .setThreads(threads)
                .setThreadsBatch(threads)
                .setParallel(1)
                .setCacheReuse(16)
                .enableJinja()
                .disableContextShift()
                .disableLog();
        lora.fileForLlama().ifPresent(a -> params.addLoraAdapter(a.toString()));
        if (llama.gpuLayers() > 0 && System.getProperty(GPU_BUILD_PROPERTY) == null) {
            // the natives inside the binding's jar are CPU-only: llama.cpp would print three warnings of its own to
            // stderr and ignore the option; say it once, where the application's logging goes
            LOG.warn("{} GPU layers requested for {}, but the bundled llama.cpp natives are CPU-only: running on the"
                    + " CPU (load a GPU build of the binding with -D{}=FOLDER)", llama.gpuLayers(), file,
                    GPU_BUILD_PROPERTY);
        } else if (llama.gpuLayers() > 0) {
            params.setGpuLayers(llama.gpuLayers());
        }
        LlamaModel model;
        List<Thread> nativeThreads;
        synchronized (NativeRuntime.class) { // thread bookkeeping must not see another load's threads
            Set<Thread> before = NativeRuntime.nonDaemonThreads();
            try {
                model = new LlamaModel(params);
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                throw new ModelLoadException("llama.cpp could not load " + file + ": " + e.getMessage(), e);
            } finally {
                NativeRuntime.routeLog();
                lora.close(); // llama.cpp has copied the adapter's tensors
            }
            nativeThreads = NativeRuntime.threadsStartedSince(before);
        }
        String hash;
        List<ModelInfo.Adapter> adapters;
        try {
            hash = sha.join();
            adapters = lora.provenance();
        } catch (RuntimeException e) {
            model.close();
            NativeRuntime.orphaned(nativeThreads);
            throw new ModelLoadException("cannot hash model file " + file + ": " + e.getMessage(), e);
        }
        options.loadProgress().accept(1.0);
        String name = header.name().isBlank() ? String.valueOf(file.getFileName()) : header.name();
        ModelInfo info = new ModelInfo(LlamaCppProvider.NAME, file.toString(), Optional.of(file.toAbsolutePath()),
                Optional.of(hash), name, header.architecture(), header.quantization(),
                OptionalLong.of(header.parameterCount()), context, adapters);
        LOG.debug("loaded {} ({} {}, {} parameters, context {}, {} threads)", file, header.architecture(),
                header.quantization(), header.parameterCount(), context, threads);
        return new LlamaTextGenerator(model, header, info, context, nativeThreads);
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public RenderedPrompt render(List<ChatMessage> messages) {
        return LlamaTokenizer.render(model, messages);
    }

    @Override
    public int countTokens(String text) {
        Tokenized cached = lastCounted;
        int[] ids = cached != null && cached.text().equals(text) ? cached.ids() : model.encode(text);
        lastCounted = new Tokenized(text, ids);
        return ids.length + (header.addBos() ? 1 : 0);
    }

    @Override
    public int contextLength() {
        return context;
    }

    @Override
    public boolean canConstrain() {
        return true;
    }

    @Override
    public void checkSchema(JsonNode schema) {
        grammar(schema);
    }

    @Override
    public GenerationResult generate(GenerationRequest request, TokenSink sink) {
        InferenceParameters p = new InferenceParameters(request.prompt())
                .setNPredict(request.maxTokens())
                .setCachePrompt(true);
        List<Object> segments = segments(request.prompt());
        boolean extendsCached = segments.size() > 1;
        if (segments.size() == 1) {
            segments = counted(request.prompt()).orElse(segments);
        }
        if (segments.stream().noneMatch(o -> o instanceof Integer)) {
            // only text: llama.cpp would read an array of strings as several prompts
            segments = List.of(request.prompt());
        }
        if (segments.size() > 1 && header.idPrompts()) {
            segments = shortTextsAsIds(segments);
        }
        if (segments.size() > 1 && !PromptJson.set(p, segments)) {
            segments = List.of(request.prompt());
        }
        if (LOG.isDebugEnabled() && extendsCached && segments.size() > 1) {
            LOG.debug("prompt extends the cached one: {} generated token ids sent as ids",
                    segments.stream().filter(o -> o instanceof Integer).count());
        }
        lastSegments = segments;
        lastPrompt = request.prompt();
        lastGenerated.clear();
        lastGeneratedText.setLength(0);
        sampling(p, request.sampling());
        request.jsonSchema().ifPresent(s -> p.setGrammar(grammar(s)));
        StopMatcher stops = new StopMatcher(request.stop());
        boolean constrained = request.jsonSchema().isPresent();
        int count = 0;
        boolean lastEmpty = false;
        StopReason reason = null;
        LlamaIterator it;
        try {
            it = model.generate(p).iterator();
        } catch (RuntimeException e) { // the binding's LlamaException is not public
            throw failure("llama.cpp rejected the generation request: ", e);
        }
        try {
            while (it.hasNext()) {
                LlamaOutput out = it.next();
                if (!it.hasNext()) {
                    break; // the final response of a stream carries no token
                }
                count++;
                track(out.text);
                String text = stops.accept(constrained ? withoutInvalidBytes(out.text) : out.text);
                lastEmpty = out.text.isEmpty();
                boolean go = sink.onPiece(text, count);
                if (stops.stopped()) {
                    reason = StopReason.STOP_STRING;
                } else if (!go) {
                    reason = StopReason.STOPPED_BY_SINK;
                }
                if (reason != null) {
                    it.cancel();
                    break;
                }
            }
        } catch (DeliberateException e) {
            it.cancel();
            throw e;
        } catch (RuntimeException e) { // the binding's LlamaException is not public
            it.cancel();
            throw failure("llama.cpp failed while generating: ", e);
        }
        if (reason == null) {
            String rest = stops.finish();
            if (!rest.isEmpty()) {
                sink.onPiece(rest, count);
            }
            reason = count < request.maxTokens() && lastEmpty ? StopReason.END_OF_TEXT : StopReason.MAX_TOKENS;
            if (reason == StopReason.MAX_TOKENS) {
                count = request.maxTokens(); // llama.cpp stops at exactly n_predict; merged pieces counted once
            }
        }
        // counted after generation, so that it does not delay the first token
        return new GenerationResult(countTokens(request.prompt()), count, reason);
    }

    /**
     * What llama.cpp's server says when a prompt does not fit the context. The first is what the bundled b4916 says
     * with context shift disabled, as here, for a prompt of at least the context's size (LoraAdapterIT shows it); the
     * second is the wording other builds of the server use for the same refusal.
     */
    private static final List<String> CONTEXT_OVERFLOW = List.of("the request exceeds the available context size",
            "Input prompt is too big compared to KV size");

    /**
     * A binding failure as the SDK's exception: a prompt too long for the context is a
     * {@link ContextOverflowException} (the caller can shorten it or load the model with a larger context; a retry
     * of the answer whose prompt grew past a small context ends here), anything else a plain
     * {@link DeliberateException}.
     */
    private DeliberateException failure(String what, RuntimeException e) {
        String m = String.valueOf(e.getMessage());
        if (CONTEXT_OVERFLOW.stream().anyMatch(m::contains)) {
            return new ContextOverflowException("the prompt does not fit the context of " + context + " tokens of "
                    + info.locator() + " (llama.cpp: " + m + "); shorten it or load the model with a larger context",
                    e);
        }
        return new DeliberateException(what + m, e);
    }

    /**
     * The prompt as llama.cpp should see it. When it extends the previous prompt plus what was generated from it
     * (thinking closed by the SDK, an answer continued), the generated tokens are sent back as their ids: their
     * text could tokenise differently, and then the prompt cache would stop matching at the first difference and
     * everything after it would be evaluated again.
     */
    private List<Object> segments(String prompt) {
        if (lastPrompt == null || lastGenerated.isEmpty()) {
            return List.of(prompt);
        }
        String covered = lastPrompt + lastGeneratedText;
        if (!prompt.startsWith(covered)) {
            return List.of(prompt);
        }
        List<Object> out = new ArrayList<>(lastSegments);
        for (Object o : lastGenerated) {
            if (o != LOSSY) {
                out.add(o);
            }
        }
        String rest = prompt.substring(covered.length());
        if (!rest.isEmpty()) {
            out.add(rest);
        }
        return out;
    }

    /**
     * A prompt {@link #countTokens} has just tokenised, as {@code ["", ids...]}: llama.cpp then evaluates the same
     * tokens (the leading empty text gets the special tokens, see {@link GgufHeader#idPrompts}) without tokenising
     * the text again, which for BPE vocabularies costs milliseconds, more for longer prompts, before the first token.
     * A prompt that extends the counted text (thinking closed at once for a zero budget) keeps the ids up to the
     * counted text's last special token and sends the rest as text: llama.cpp tokenises the text after a special
     * token on its own, so that is what tokenising the whole text gives.
     */
    private Optional<List<Object>> counted(String prompt) {
        Tokenized cached = lastCounted;
        if (!header.idPrompts() || cached == null || cached.ids().length == 0 || !prompt.startsWith(cached.text())) {
            return Optional.empty();
        }
        int[] ids = cached.ids();
        int keep = ids.length;
        int end = prompt.length();
        if (prompt.length() > cached.text().length()) {
            keep = ids.length - 1;
            while (keep >= 0 && !header.specialTexts().containsKey(ids[keep])) {
                keep--;
            }
            if (keep < 0) {
                return Optional.empty();
            }
            String special = header.specialTexts().get(ids[keep]);
            int at = cached.text().lastIndexOf(special);
            if (at < 0) {
                return Optional.empty();
            }
            end = at + special.length();
            keep++;
            for (String t : header.specialTexts().values()) {
                for (int i = Math.max(0, end - t.length() + 1); i < end; i++) {
                    if (prompt.startsWith(t, i)) {
                        return Optional.empty(); // a special token across the split: tokenise the whole text
                    }
                }
            }
        }
        List<Object> out = new ArrayList<>(keep + 2);
        out.add("");
        for (int k = 0; k < keep; k++) {
            out.add(ids[k]);
        }
        if (end < prompt.length()) {
            out.add(prompt.substring(end));
        }
        return Optional.of(out);
    }

    /** {@code segments} with each short text after the first element replaced by its token ids. */
    private List<Object> shortTextsAsIds(List<Object> segments) {
        List<Object> out = new ArrayList<>(segments.size() + 8);
        out.add(segments.get(0)); // llama.cpp adds the special tokens (BOS) to a leading text
        for (int i = 1; i < segments.size(); i++) {
            Object o = segments.get(i);
            if (o instanceof String text && !text.isEmpty() && text.length() <= SHORT_TEXT_LENGTH) {
                int[] ids = shortTexts.computeIfAbsent(text, model::encode);
                for (int id : ids) {
                    out.add(id);
                }
            } else {
                out.add(o);
            }
        }
        return out;
    }

    /** Whether {@code generate} would send this prompt as token ids (for tests). */
    boolean sendsTokenIds(String prompt) {
        return counted(prompt).isPresent();
    }

    /**
     * Records a streamed piece: its token id when exactly one token decodes to it, else its text (a character split
     * over several tokens arrives merged, and its bytes are lost to the binding's decoding; the cache then matches
     * only up to there, or, with cache reuse, again after it).
     */
    private void track(String piece) {
        lastGeneratedText.append(piece);
        Integer id = header.pieceIds().get(piece);
        if (id != null) {
            lastGenerated.add(id);
        } else if (piece.indexOf('\uFFFD') >= 0 && !header.byteIds().isEmpty()) {
            lastGenerated.add(LOSSY);
        } else if (!piece.isEmpty() && addDecomposed(piece)) {
            return;
        } else if (!piece.isEmpty()) {
            int last = lastGenerated.size() - 1;
            if (last >= 0 && lastGenerated.get(last) instanceof String text) {
                lastGenerated.set(last, text + piece);
            } else {
                lastGenerated.add(piece);
            }
        }
    }

    /**
     * Stands for generated tokens whose bytes are lost: not valid UTF-8, the binding decoded them to U+FFFD. They are
     * left out when the generation is sent back as a prompt. Sending the text instead would put other tokens there,
     * and llama.cpp would evaluate everything after them again (its cache reuse can skip tokens the prompt lacks, but
     * not replace tokens the prompt has differently): on a random test model that was one switch in three costing
     * the re-evaluation of the whole thinking. So the answer is generated without those bytes in its context (they
     * carried no text; the thinking shown keeps its U+FFFD), and the cache is reused after them.
     */
    private static final Object LOSSY = new Object() {
        @Override
        public String toString() {
            return "<lost bytes>";
        }
    };

    /**
     * Adds the token ids of a piece llama.cpp streamed merged (a character split over several tokens, so no single
     * token decodes to it), as the vocabulary spells its bytes ({@link GgufHeader#tokenIdsOf}). Returns {@code false}
     * when the bytes cannot be covered by known tokens.
     */
    private boolean addDecomposed(String piece) {
        Optional<int[]> ids = header.tokenIdsOf(piece);
        ids.ifPresent(a -> {
            for (int i : a) {
                lastGenerated.add(i);
            }
        });
        return ids.isPresent();
    }

    /** Whether {@code generate} would send every generated token of the last generation back as an id (for tests). */
    boolean sendsGenerationAsIds(String prompt) {
        List<Object> s = segments(prompt);
        if (lastPrompt == null || s.size() <= lastSegments.size()) {
            return false; // not an extension of the last generation: sent as text
        }
        List<Object> generated = s.subList(lastSegments.size(), s.size());
        if (prompt.length() > lastPrompt.length() + lastGeneratedText.length()) {
            generated = generated.subList(0, generated.size() - 1); // the new text after the generation
        }
        return generated.stream().allMatch(o -> o instanceof Integer);
    }

    private static void sampling(InferenceParameters p, Sampling s) {
        p.setTemperature((float) s.temperature())
                .setTopP((float) s.topP())
                .setTopK(s.topK())
                .setMinP(0f);
        if (s.seed().isPresent()) {
            p.setSeed((int) s.seed().getAsLong());
        }
    }

    /**
     * The GBNF grammar for a schema, made compact: llama.cpp's converter lets the model put up to a newline and 20
     * spaces or tabs between any two JSON tokens ({@code space ::= | " " | "\n" [ \t]{0,20}}), which a weak or random
     * model fills with whitespace that costs answer tokens and answers nothing. Here at most one space is allowed.
     */
    static String grammar(JsonNode schema) {
        return GRAMMARS.computeIfAbsent(schema.toString(), json -> {
            SchemaSupport.check(schema);
            return COMPACT_SPACE.matcher(LlamaModel.jsonSchemaToGrammar(json)).replaceAll("space ::= | \" \"");
        });
    }

    private static final java.util.regex.Pattern COMPACT_SPACE = java.util.regex.Pattern.compile("(?m)^space ::= .*$");

    /**
     * A constrained piece without U+FFFD. llama.cpp's grammar reads a token whose bytes are not valid UTF-8 (a random
     * model's lone continuation byte) as writing no character and lets it pass; the binding then decodes those bytes
     * to U+FFFD, so the answer would hold characters the grammar never counted (a string over its
     * {@code maxLength}, a replacement character between JSON tokens). Dropping them gives exactly the text the
     * grammar accepted. (A model that writes U+FFFD on purpose, as valid UTF-8, loses it in constrained answers.)
     */
    static String withoutInvalidBytes(String piece) {
        return piece.indexOf('\uFFFD') < 0 ? piece : piece.replace("\uFFFD", "");
    }

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

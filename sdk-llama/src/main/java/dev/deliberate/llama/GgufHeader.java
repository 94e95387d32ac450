package dev.deliberate.llama;

import dev.deliberate.core.ModelLoadException;
import dev.deliberate.core.UnsupportedModelException;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufFormatException;
import dev.deliberate.gguf.GgufSummary;
import dev.deliberate.gguf.GgufTensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The few facts the llama.cpp backend needs from a GGUF file, read and checked in Java (with
 * {@link dev.deliberate.gguf.GgufFile}) before native code sees the file, so that a missing, foreign, truncated
 * or unsupported file is a typed error and never a native crash.
 */
record GgufHeader(
        String architecture,
        String name,
        String quantization,
        long contextLength,
        boolean addBos,
        Optional<String> chatTemplate,
        long parameterCount,
        Map<String, Integer> pieceIds,
        boolean idPrompts,
        Map<Integer, String> specialTexts,
        Map<String, Integer> byteIds) {

    /**
     * Architectures the bundled llama.cpp (build b4916) can load: its {@code LLM_ARCH_NAMES} table, read from the
     * names compiled into the bundled {@code libjllama.so}.
     */
    static final Set<String> SUPPORTED_ARCHITECTURES = Set.of(
            "llama", "deci", "falcon", "grok", "gpt2", "gptj", "gptneox", "mpt", "baichuan", "starcoder", "refact",
            "bert", "nomic-bert", "jina-bert-v2", "bloom", "stablelm", "qwen", "qwen2", "qwen2moe", "qwen2vl", "phi2",
            "phi3", "phimoe", "plamo", "codeshell", "orion", "internlm2", "minicpm", "minicpm3", "gemma", "gemma2",
            "gemma3", "starcoder2", "mamba", "xverse", "command-r", "cohere2", "dbrx", "olmo", "olmo2", "olmoe",
            "openelm", "arctic", "deepseek", "deepseek2", "chatglm", "bitnet", "t5", "t5encoder", "jais", "nemotron",
            "exaone", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7", "granite", "granitemoe", "chameleon");

    /**
     * Reads the header with {@link GgufFile} (bounded; checks that every tensor's data lies within the file) and
     * checks what the bundled runtime can run.
     *
     * @throws ModelLoadException        missing, unreadable, not GGUF, malformed or truncated
     * @throws UnsupportedModelException well formed, but an architecture or tensor type the runtime cannot run
     */
    static GgufHeader read(Path file) {
        if (!Files.exists(file)) {
            throw new ModelLoadException("model file not found: " + file);
        }
        if (Files.isDirectory(file)) {
            throw new ModelLoadException("model path is a directory, not a GGUF file: " + file);
        }
        GgufFile gguf;
        try {
            gguf = GgufFile.read(file);
        } catch (GgufFormatException e) {
            String m = e.getMessage();
            throw new ModelLoadException("invalid GGUF file: " + (m.contains(file.toString()) ? m : file + ": " + m), e);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("model file not found: " + file, e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
        GgufSummary s = GgufSummary.of(gguf);
        String arch = s.architecture().orElseThrow(() -> new ModelLoadException("invalid GGUF file " + file
                + ": no general.architecture in its metadata"));
        for (GgufTensorInfo t : gguf.tensors()) {
            if (t.type().isEmpty()) {
                throw new UnsupportedModelException("tensor " + t.name() + " of " + file + " has ggml type "
                        + t.typeCode() + ", which the bundled llama.cpp cannot run");
            }
        }
        if (!SUPPORTED_ARCHITECTURES.contains(arch)) {
            throw new UnsupportedModelException("model architecture '" + arch + "' of " + file
                    + " is not supported by the bundled llama.cpp (build b4916); supported include qwen2, llama"
                    + " and deepseek2 (the DeepSeek-R1-Distill family)");
        }
        return new GgufHeader(arch, s.name().orElse(""), s.quantization(), s.contextLength().orElse(0),
                gguf.getBoolean("tokenizer.ggml.add_bos_token").orElse(true), s.chatTemplate(), s.parameterCount(),
                pieceIds(gguf), idPrompts(gguf), specialTexts(gguf), byteIds(gguf));
    }

    /**
     * For byte-level BPE vocabularies: the tokens llama.cpp matches as special text before it tokenises the rest
     * (unknown, control and user-defined: {@code <｜Assistant｜>}, {@code <think>}), by id, with their text. Text
     * after such a token is tokenised on its own, so a prompt may be split there. Empty for other vocabularies.
     */
    private static Map<Integer, String> specialTexts(GgufFile gguf) {
        if (!"gpt2".equals(gguf.getString("tokenizer.ggml.model").orElse(""))) {
            return Map.of();
        }
        java.util.List<String> tokens = gguf.getArray("tokenizer.ggml.tokens")
                .map(dev.deliberate.gguf.GgufValue.ArrayValue::strings).orElse(java.util.List.of());
        long[] types = gguf.getArray("tokenizer.ggml.token_type")
                .map(dev.deliberate.gguf.GgufValue.ArrayValue::longs).orElse(new long[0]);
        Map<Integer, String> out = new HashMap<>();
        for (int id = 0; id < Math.min(tokens.size(), types.length); id++) {
            if ((types[id] == 2 || types[id] == 3 || types[id] == 4) && !tokens.get(id).isEmpty()) {
                out.put(id, tokens.get(id));
            }
        }
        return Map.copyOf(out);
    }

    /**
     * Whether a prompt tokenised in Java ({@code LlamaModel.encode}, which adds no special tokens) may be sent as
     * {@code ["", ids...]}: llama.cpp tokenises the leading empty string with special tokens, which gives the BOS
     * token when the vocabulary adds one, so the result equals tokenising the text itself. Only for byte-level BPE
     * vocabularies ({@code gpt2}: the Qwen and DeepSeek-R1-Distill family, whose pre-tokeniser makes each
     * tokenisation cost milliseconds) that append no end-of-text token; elsewhere the text is sent.
     */
    /**
     * For byte-level BPE vocabularies: each normal token's bytes (as a Latin-1 string, one char per byte) mapped to its
     * id, also for tokens that are only part of a UTF-8 character, where only one token has those bytes. It lets the
     * backend find the ids of a piece llama.cpp streamed merged (a character split over several tokens). Empty for
     * other vocabularies.
     */
    private static Map<String, Integer> byteIds(GgufFile gguf) {
        if (!"gpt2".equals(gguf.getString("tokenizer.ggml.model").orElse(""))) {
            return Map.of();
        }
        java.util.List<String> tokens = gguf.getArray("tokenizer.ggml.tokens")
                .map(dev.deliberate.gguf.GgufValue.ArrayValue::strings).orElse(java.util.List.of());
        long[] types = gguf.getArray("tokenizer.ggml.token_type")
                .map(dev.deliberate.gguf.GgufValue.ArrayValue::longs).orElse(new long[0]);
        int[] byteOf = byteLevelDecoding();
        Map<String, Integer> out = new HashMap<>(tokens.size() * 2);
        Set<String> ambiguous = new HashSet<>();
        StringBuilder b = new StringBuilder();
        for (int id = 0; id < tokens.size(); id++) {
            if ((id < types.length ? types[id] : 1) != 1) {
                continue; // control, user-defined and byte-fallback tokens are never part of a merged piece here
            }
            String token = tokens.get(id);
            b.setLength(0);
            boolean ok = !token.isEmpty();
            for (int i = 0; i < token.length() && ok; i++) {
                char c = token.charAt(i);
                ok = c < byteOf.length && byteOf[c] >= 0;
                b.append(ok ? (char) byteOf[c] : '\0');
            }
            String key = b.toString();
            if (!ok || ambiguous.contains(key)) {
                continue;
            }
            if (out.putIfAbsent(key, id) != null) {
                out.remove(key);
                ambiguous.add(key);
            }
        }
        return Map.copyOf(out);
    }

    /**
     * The token ids that spell {@code text}'s UTF-8 bytes with the fewest normal tokens of the vocabulary
     * ({@link #byteIds}); empty when the bytes cannot be covered, the vocabulary is not byte-level BPE or the text is
     * longer than 256 bytes. For a piece llama.cpp streamed merged (a character split over two or more tokens) this
     * is, in practice, the tokens the model generated: a byte-level vocabulary rarely spells the same few bytes two
     * ways with equally few tokens.
     */
    Optional<int[]> tokenIdsOf(String text) {
        if (byteIds.isEmpty() || text.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int n = bytes.length;
        if (n > 256) {
            return Optional.empty();
        }
        String key = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int[] best = new int[n + 1];
        int[] from = new int[n + 1];
        java.util.Arrays.fill(best, Integer.MAX_VALUE);
        best[0] = 0;
        for (int end = 1; end <= n; end++) {
            for (int start = Math.max(0, end - MAX_TOKEN_BYTES); start < end; start++) {
                if (best[start] != Integer.MAX_VALUE && best[start] + 1 < best[end]
                        && byteIds.containsKey(key.substring(start, end))) {
                    best[end] = best[start] + 1;
                    from[end] = start;
                }
            }
        }
        if (best[n] == Integer.MAX_VALUE) {
            return Optional.empty();
        }
        int[] ids = new int[best[n]];
        for (int end = n, k = ids.length - 1; end > 0; end = from[end], k--) {
            ids[k] = byteIds.get(key.substring(from[end], end));
        }
        return Optional.of(ids);
    }

    /** Longest token, in bytes, that {@link #tokenIdsOf} tries. */
    private static final int MAX_TOKEN_BYTES = 48;

    /** GPT-2's byte-to-character mapping, reversed: the byte each printable stand-in character means, else -1. */
    private static int[] byteLevelDecoding() {
        int[] byteOf = new int[0x200];
        java.util.Arrays.fill(byteOf, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF;
            byteOf[printable ? b : 256 + n++] = b;
        }
        return byteOf;
    }

    private static boolean idPrompts(GgufFile gguf) {
        return "gpt2".equals(gguf.getString("tokenizer.ggml.model").orElse(""))
                && !gguf.getBoolean("tokenizer.ggml.add_eos_token").orElse(false);
    }

    /**
     * For byte-level BPE vocabularies ({@code tokenizer.ggml.model = gpt2}, the Qwen and DeepSeek-R1-Distill
     * family): the text each token decodes to, mapped to its id, for texts that only one token decodes to. It lets
     * the backend send generated tokens back as ids instead of re-tokenising their text. Empty for other vocabularies.
     */
    private static Map<String, Integer> pieceIds(GgufFile gguf) {
        if (!"gpt2".equals(gguf.getString("tokenizer.ggml.model").orElse(""))) {
            return Map.of();
        }
        java.util.List<String> tokens = gguf.getArray("tokenizer.ggml.tokens")
                .map(dev.deliberate.gguf.GgufValue.ArrayValue::strings).orElse(java.util.List.of());
        long[] types = gguf.getArray("tokenizer.ggml.token_type")
                .map(dev.deliberate.gguf.GgufValue.ArrayValue::longs).orElse(new long[0]);
        int[] byteOf = new int[0x200];
        java.util.Arrays.fill(byteOf, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF;
            byteOf[printable ? b : 256 + n++] = b;
        }
        Map<String, Integer> out = new HashMap<>(tokens.size() * 2);
        java.util.Set<String> ambiguous = new HashSet<>();
        java.nio.charset.CharsetDecoder utf8 = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
        for (int id = 0; id < tokens.size(); id++) {
            long type = id < types.length ? types[id] : 1;
            String token = tokens.get(id);
            String text;
            if (type == 3) {
                continue; // control tokens are not rendered as text
            } else if (type == 4) {
                text = token; // user-defined tokens (<think>) are stored as plain text
            } else {
                byte[] bytes = new byte[token.length()];
                boolean ok = true;
                for (int i = 0; i < token.length() && ok; i++) {
                    char c = token.charAt(i);
                    ok = c < byteOf.length && byteOf[c] >= 0;
                    bytes[i] = ok ? (byte) byteOf[c] : 0;
                }
                if (!ok) {
                    continue;
                }
                try {
                    text = utf8.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
                } catch (java.nio.charset.CharacterCodingException e) {
                    continue; // part of a character: never streamed alone
                }
            }
            if (text.isEmpty() || ambiguous.contains(text)) {
                continue;
            }
            if (out.putIfAbsent(text, id) != null) {
                out.remove(text);
                ambiguous.add(text);
            }
        }
        return Map.copyOf(out);
    }
}

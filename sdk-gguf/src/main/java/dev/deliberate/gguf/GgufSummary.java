package dev.deliberate.gguf;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a person wants to know about a GGUF model first, taken from its header.
 *
 * @param source             the file
 * @param name               {@code general.name}
 * @param architecture       {@code general.architecture} ({@code qwen2}, {@code llama}, ...), empty if absent
 * @param parameterCount     sum of the element counts of all tensors
 * @param fileType           {@code general.file_type} code, if present
 * @param quantization       the file type's name ({@code Q8_0}, {@code Q4_K_M}); without {@code general.file_type}
 *                           the most common tensor type; {@code unknown} for an empty file
 * @param tensorTypes        number of tensors per element type ({@code F32 -> 97, Q8_0 -> 113}), sorted by name
 * @param tensorCount        number of tensors
 * @param fileSize           file size in bytes
 * @param contextLength      {@code <arch>.context_length}: the context the model was trained for
 * @param embeddingLength    {@code <arch>.embedding_length}: hidden size
 * @param layers             {@code <arch>.block_count}
 * @param heads              {@code <arch>.attention.head_count}
 * @param kvHeads            {@code <arch>.attention.head_count_kv}
 * @param vocabularySize     number of entries of {@code tokenizer.ggml.tokens} (else {@code <arch>.vocab_size})
 * @param chatTemplate       {@code tokenizer.chat_template} (Jinja)
 * @param opensThinking      whether the chat template's generation prompt opens a {@code <think>} block without
 *                           closing it, as DeepSeek-R1 and its distills do (see {@link #templateOpensThinking})
 */
public record GgufSummary(
        String source,
        Optional<String> name,
        Optional<String> architecture,
        long parameterCount,
        OptionalInt fileType,
        String quantization,
        Map<String, Integer> tensorTypes,
        int tensorCount,
        long fileSize,
        OptionalLong contextLength,
        OptionalLong embeddingLength,
        OptionalLong layers,
        OptionalLong heads,
        OptionalLong kvHeads,
        OptionalLong vocabularySize,
        Optional<String> chatTemplate,
        boolean opensThinking) {

    private static final Pattern GENERATION_PROMPT = Pattern.compile(
            "\\{%-?\\s*if\\s+add_generation_prompt\\s*-?%\\}(.*?)\\{%-?\\s*(?:endif|else|elif)", Pattern.DOTALL);

    /** Checks required fields are present and makes the histogram immutable. */
    public GgufSummary {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(fileType, "fileType");
        Objects.requireNonNull(quantization, "quantization");
        tensorTypes = Collections.unmodifiableMap(new TreeMap<>(tensorTypes));
        Objects.requireNonNull(contextLength, "contextLength");
        Objects.requireNonNull(embeddingLength, "embeddingLength");
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(heads, "heads");
        Objects.requireNonNull(kvHeads, "kvHeads");
        Objects.requireNonNull(vocabularySize, "vocabularySize");
        Objects.requireNonNull(chatTemplate, "chatTemplate");
    }

    /**
     * @param gguf a header read by {@link GgufFile#read}
     * @return its summary
     */
    public static GgufSummary of(GgufFile gguf) {
        Optional<String> arch = gguf.architecture();
        String prefix = arch.map(a -> a + ".").orElse("\u0000"); // no key starts with NUL
        long params = 0;
        Map<String, Integer> histogram = new TreeMap<>();
        for (GgufTensorInfo t : gguf.tensors()) {
            params += t.elementCount();
            histogram.merge(t.typeName(), 1, Integer::sum);
        }
        OptionalLong ft = gguf.getInteger("general.file_type");
        OptionalInt fileType = ft.isPresent() && ft.getAsLong() >= 0 && ft.getAsLong() <= Integer.MAX_VALUE
                ? OptionalInt.of((int) ft.getAsLong()) : OptionalInt.empty();
        String quantization;
        if (fileType.isPresent()) {
            int code = fileType.getAsInt();
            quantization = GgufFileType.byCode(code).map(GgufFileType::label).orElse("unknown file type " + code);
        } else {
            quantization = histogram.entrySet().stream()
                    .max(Map.Entry.comparingByValue())
                    .map(Map.Entry::getKey)
                    .orElse("unknown");
        }
        OptionalInt tokens = gguf.arrayLength("tokenizer.ggml.tokens");
        OptionalLong vocab = tokens.isPresent() ? OptionalLong.of(tokens.getAsInt())
                : gguf.getInteger(prefix + "vocab_size");
        Optional<String> template = gguf.getString("tokenizer.chat_template");
        return new GgufSummary(
                gguf.source(),
                gguf.getString("general.name"),
                arch,
                params,
                fileType,
                quantization,
                histogram,
                gguf.tensors().size(),
                gguf.fileSize(),
                gguf.getInteger(prefix + "context_length"),
                gguf.getInteger(prefix + "embedding_length"),
                gguf.getInteger(prefix + "block_count"),
                headCount(gguf, prefix + "attention.head_count"),
                headCount(gguf, prefix + "attention.head_count_kv"),
                vocab,
                template,
                template.map(GgufSummary::templateOpensThinking).orElse(false));
    }

    /** Head counts may be per-layer arrays in some architectures; then the first layer's value is reported. */
    private static OptionalLong headCount(GgufFile gguf, String key) {
        OptionalLong scalar = gguf.getInteger(key);
        if (scalar.isPresent()) {
            return scalar;
        }
        return gguf.getArray(key)
                .filter(a -> a.elementType().isInteger() && a.size() > 0)
                .map(a -> OptionalLong.of(a.longs()[0]))
                .orElse(OptionalLong.empty());
    }

    /**
     * Whether a chat template, asked for a generation prompt, leaves the assistant inside an open
     * {@code <think>} block: the last {@code {% if add_generation_prompt %}} branch emits {@code <think>} and no
     * {@code </think>}. True for DeepSeek-R1 and its distills and QwQ; false for templates that open and close an
     * empty block (Qwen3 with thinking disabled) or never mention thinking. A heuristic on the template text, not
     * an evaluation of it.
     *
     * @param template a Jinja chat template
     * @return whether generation starts inside thinking
     */
    public static boolean templateOpensThinking(String template) {
        Matcher m = GENERATION_PROMPT.matcher(template);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last != null && last.contains("<think>") && !last.contains("</think>");
    }
}

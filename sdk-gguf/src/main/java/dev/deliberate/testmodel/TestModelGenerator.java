package dev.deliberate.testmodel;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.gguf.GgmlType;
import dev.deliberate.gguf.GgufValue;
import dev.deliberate.gguf.GgufValueType;
import dev.deliberate.gguf.GgufWriter;
import dev.deliberate.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Generates a random-weight Qwen2-architecture model as GGUF, which llama.cpp loads and runs, and optionally the
 * matching Hugging Face {@code tokenizer.json}.
 *
 * <pre>{@code
 * TestModelGenerator gen = TestModelGenerator.of(TestModelPreset.TINY, 42);
 * GeneratedTestModel model = gen.writeGguf(dir.resolve("tiny.gguf"));
 * gen.writeTokenizerJson(dir.resolve("tiny.tokenizer.json"));  // for Hugging Face tokenizers (DJL)
 * }</pre>
 *
 * <p>The file follows the layout of the DeepSeek-R1-Distill-Qwen models: GGUF keys, tensor names and layouts of a
 * Qwen2 decoder, a byte-level BPE vocabulary ({@code tokenizer.ggml.pre = deepseek-r1-qwen}) with the R1 special
 * tokens, and the R1 chat template, whose generation prompt ends in {@code <｜Assistant｜><think>\n}. Weights are
 * approximately normal with mean 0 and standard deviation 0.08 below hidden size 256, else 0.02 (each weight is
 * a sum of four uniform 16-bit numbers, bell-shaped and cut off at 3.5 standard deviations, ten times cheaper than
 * {@code nextGaussian}); norms are 1. Each tensor draws from its own {@link SplittableRandom} seeded from the seed
 * and the tensor's index, so the same seed always
 * gives a byte-identical file, a different seed different weights, and the vocabulary never changes.
 *
 * <p>Instances are immutable and thread-safe. Files are written atomically (temporary file, then move).
 */
public final class TestModelGenerator {

    /** The seed used when none is given. */
    public static final long DEFAULT_SEED = 1234;

    /**
     * The DeepSeek-R1 chat template (Jinja): begin-of-sentence, then user turns after {@code <｜User｜>}, assistant
     * turns after {@code <｜Assistant｜>} ending in end-of-sentence, and a generation prompt that opens thinking.
     */
    public static final String CHAT_TEMPLATE =
            "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}"
            + "{{ bos_token }}{% for message in messages %}"
            + "{% if message['role'] == 'system' %}{{ message['content'] }}"
            + "{% elif message['role'] == 'user' %}{{ '<｜User｜>' + message['content'] }}"
            + "{% elif message['role'] == 'assistant' %}{{ '<｜Assistant｜>' + message['content']"
            + " + '<｜end▁of▁sentence｜>' }}"
            + "{% endif %}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<｜Assistant｜><think>\\n' }}{% endif %}";

    /** Qwen2's pre-tokenizer regular expression, as Hugging Face tokenizers writes it. */
    static final String QWEN2_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}|"
            + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final int CHUNK = 1 << 16;
    /** 1 / standard deviation of a sum of four uniform 16-bit integers. */
    private static final float UNIT_SUM_OF_FOUR = (float) (1 / Math.sqrt(4 * (65536.0 * 65536.0 - 1) / 12));

    private final TestModelSpec spec;
    private final long seed;
    private final TestModelVocabulary vocabulary;

    /**
     * @param spec the model shape
     * @param seed any value; the same seed gives the same file
     */
    public TestModelGenerator(TestModelSpec spec, long seed) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.seed = seed;
        this.vocabulary = TestModelVocabulary.train(spec.merges(), spec.vocabularySize());
    }

    /**
     * @param preset a ready-made shape
     * @param seed   any value; the same seed gives the same file
     * @return a generator
     */
    public static TestModelGenerator of(TestModelPreset preset, long seed) {
        return new TestModelGenerator(preset.spec(), seed);
    }

    /** @return the model shape */
    public TestModelSpec spec() {
        return spec;
    }

    /** @return the seed */
    public long seed() {
        return seed;
    }

    /** @return the vocabulary (identical for every seed) */
    public TestModelVocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * Writes the model as GGUF, atomically.
     *
     * @param path the file to create or replace; its directory must exist
     * @return what was written
     * @throws IOException if writing fails (nothing is left at {@code path} then)
     */
    public GeneratedTestModel writeGguf(Path path) throws IOException {
        int h = spec.hiddenSize();
        int kv = spec.headSize() * spec.kvHeads();
        int f = spec.feedForwardSize();
        int v = vocabulary.size();
        float std = h >= 256 ? 0.02f : 0.08f;

        GgufWriter out = new GgufWriter();
        out.put("general.architecture", GgufValue.string("qwen2"))
                .put("general.name", GgufValue.string(spec.name()))
                .put("general.file_type", GgufValue.uint32(spec.fileType().code()))
                .put("general.alignment", GgufValue.uint32(32))
                .put("qwen2.context_length", GgufValue.uint32(spec.contextLength()))
                .put("qwen2.embedding_length", GgufValue.uint32(h))
                .put("qwen2.block_count", GgufValue.uint32(spec.layers()))
                .put("qwen2.feed_forward_length", GgufValue.uint32(f))
                .put("qwen2.attention.head_count", GgufValue.uint32(spec.heads()))
                .put("qwen2.attention.head_count_kv", GgufValue.uint32(spec.kvHeads()))
                .put("qwen2.rope.freq_base", GgufValue.float32(10000f))
                .put("qwen2.attention.layer_norm_rms_epsilon", GgufValue.float32(1e-6f))
                .put("tokenizer.ggml.model", GgufValue.string("gpt2"))
                .put("tokenizer.ggml.pre", GgufValue.string("deepseek-r1-qwen"))
                .put("tokenizer.ggml.tokens", GgufValue.ArrayValue.ofStrings(vocabulary.tokens()))
                .put("tokenizer.ggml.token_type", GgufValue.ArrayValue.ofIntegers(GgufValueType.INT32,
                        vocabulary.tokenTypes().stream().mapToLong(Integer::longValue).toArray()))
                .put("tokenizer.ggml.merges", GgufValue.ArrayValue.ofStrings(vocabulary.merges()))
                .put("tokenizer.ggml.bos_token_id", GgufValue.uint32(vocabulary.id(TestModelVocabulary.BOS)))
                .put("tokenizer.ggml.eos_token_id", GgufValue.uint32(vocabulary.id(TestModelVocabulary.EOS)))
                .put("tokenizer.ggml.padding_token_id", GgufValue.uint32(vocabulary.id(TestModelVocabulary.PAD)))
                .put("tokenizer.ggml.add_bos_token", GgufValue.bool(true))
                .put("tokenizer.ggml.add_eos_token", GgufValue.bool(false))
                .put("tokenizer.chat_template", GgufValue.string(CHAT_TEMPLATE))
                .put("general.description", GgufValue.string("Random weights from the Deliberate test model "
                        + "generator (seed " + seed + "); its output is meaningless text."));

        Tensors t = new Tensors(out, std);
        t.random("token_embd.weight", -1, h, v);
        for (int i = 0; i < spec.layers(); i++) {
            String p = "blk." + i + ".";
            t.ones(p + "attn_norm.weight", h);
            t.random(p + "attn_q.weight", i, h, h);
            t.bias(p + "attn_q.bias", h);
            t.random(p + "attn_k.weight", i, h, kv);
            t.bias(p + "attn_k.bias", kv);
            t.random(p + "attn_v.weight", i, h, kv);
            t.bias(p + "attn_v.bias", kv);
            t.random(p + "attn_output.weight", i, h, h);
            t.ones(p + "ffn_norm.weight", h);
            t.random(p + "ffn_gate.weight", i, h, f);
            t.random(p + "ffn_up.weight", i, h, f);
            t.random(p + "ffn_down.weight", i, f, h);
        }
        t.ones("output_norm.weight", h);
        t.random("output.weight", -1, h, v);
        long size = out.write(path);
        return new GeneratedTestModel(path, size, t.parameters, spec, seed);
    }

    /** Adds tensors to the writer, numbering them to seed each one's generator. */
    private final class Tensors {
        private final GgufWriter out;
        private final float std;
        private int index;
        long parameters;

        Tensors(GgufWriter out, float std) {
            this.out = out;
            this.std = std;
        }

        /** A matrix, in the type the spec gives it. @param dims ggml order: row length first */
        void random(String name, int layer, long... dims) {
            random(name, spec.tensorType(name, layer, dims[0]), dims);
        }

        void bias(String name, long n) {
            random(name, GgmlType.F32, n);
        }

        /** @param dims ggml order: row length first */
        void random(String name, GgmlType type, long... dims) {
            long n = count(dims);
            long tensorSeed = seed * 0x9E37_79B9_7F4A_7C15L + index++;
            out.tensor(name, type, shape(dims), sink -> {
                SplittableRandom rnd = new SplittableRandom(tensorSeed);
                float[] chunk = new float[(int) Math.min(CHUNK, n)];
                float scale = std * UNIT_SUM_OF_FOUR;
                for (long done = 0; done < n; ) {
                    int len = (int) Math.min(chunk.length, n - done);
                    for (int i = 0; i < len; i++) {
                        // sum of four uniform 16-bit numbers: bell-shaped (Irwin-Hall), mean 131070
                        long x = rnd.nextLong();
                        long sum = (x & 0xFFFF) + ((x >>> 16) & 0xFFFF) + ((x >>> 32) & 0xFFFF) + (x >>> 48);
                        chunk[i] = (sum - 131_070) * scale;
                    }
                    sink.accept(chunk, 0, len);
                    done += len;
                }
            });
        }

        void ones(String name, int n) {
            index++;
            count(n);
            float[] ones = new float[n];
            java.util.Arrays.fill(ones, 1f);
            out.tensor(name, GgmlType.F32, shape(n), sink -> sink.accept(ones, 0, n));
        }

        private long count(long... dims) {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            parameters += n;
            return n;
        }

        private List<Long> shape(long... dims) {
            List<Long> s = new ArrayList<>();
            for (long d : dims) {
                s.add(d);
            }
            return s;
        }
    }

    /**
     * Writes the Hugging Face {@code tokenizer.json} for this model's vocabulary, atomically. Hugging Face
     * tokenizers (for example DJL's {@code HuggingFaceTokenizer}) reading it split text exactly as llama.cpp does
     * with the GGUF file: the Qwen2 pre-tokenizer, byte-level BPE with the same merges, and the special tokens as
     * added tokens.
     *
     * @param path the file to create or replace; its directory must exist
     * @throws IOException if writing fails
     */
    public void writeTokenizerJson(Path path) throws IOException {
        Map<String, Object> byteLevel = new LinkedHashMap<>();
        byteLevel.put("type", "ByteLevel");
        byteLevel.put("add_prefix_space", false);
        byteLevel.put("trim_offsets", false);
        byteLevel.put("use_regex", false);

        List<Object> added = new ArrayList<>();
        for (TestModelVocabulary.Special s : TestModelVocabulary.SPECIAL_TOKENS) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("id", vocabulary.id(s.text()));
            a.put("content", s.text());
            a.put("single_word", false);
            a.put("lstrip", false);
            a.put("rstrip", false);
            a.put("normalized", false);
            a.put("special", s.hfSpecial());
            added.add(a);
        }
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("type", "Split");
        split.put("pattern", Map.of("Regex", QWEN2_SPLIT));
        split.put("behavior", "Isolated");
        split.put("invert", false);
        Map<String, Object> pre = new LinkedHashMap<>();
        pre.put("type", "Sequence");
        pre.put("pretokenizers", List.of(split, byteLevel));

        Map<String, Integer> vocab = new LinkedHashMap<>();
        int regular = vocabulary.size() - TestModelVocabulary.SPECIAL_TOKENS.size();
        for (int i = 0; i < regular; i++) {
            vocab.put(vocabulary.tokens().get(i), i);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        model.put("vocab", vocab);
        model.put("merges", vocabulary.merges());

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        root.put("added_tokens", added);
        root.put("normalizer", null);
        root.put("pre_tokenizer", pre);
        root.put("post_processor", byteLevel);
        root.put("decoder", byteLevel);
        root.put("model", model);
        byte[] json = new ObjectMapper().writeValueAsBytes(root);

        AtomicFiles.write(path, json);
    }
}

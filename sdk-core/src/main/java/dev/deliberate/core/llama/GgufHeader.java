package dev.deliberate.core.llama;

import dev.deliberate.core.ModelLoadException;
import dev.deliberate.core.UnsupportedModelException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The few facts the llama.cpp backend needs from a GGUF file, read and checked in Java before native code sees the
 * file, so that a missing, foreign, truncated or unsupported file is a typed error and never a native crash.
 *
 * <p>Deliberately minimal and private to this backend: a complete GGUF reader is {@code dev.deliberate.core.gguf}
 * (integrator: this class can delegate to it once merged). Every length is bounded by what remains of the file.
 */
record GgufHeader(
        String architecture,
        String name,
        int fileType,
        long contextLength,
        boolean addBos,
        Optional<String> chatTemplate,
        long parameterCount) {

    private static final int MAGIC = 0x46554747; // "GGUF" little-endian
    private static final long MAX_KV = 1_000_000;
    private static final long MAX_TENSORS = 1_000_000;
    private static final long MAX_STRING = 64L << 20;

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

    /** ggml tensor types: {type id, block size in elements, bytes per block}. */
    private static final Map<Integer, int[]> TYPE_SIZES = Map.ofEntries(
            Map.entry(0, new int[] {1, 4}), Map.entry(1, new int[] {1, 2}), Map.entry(2, new int[] {32, 18}),
            Map.entry(3, new int[] {32, 20}), Map.entry(6, new int[] {32, 22}), Map.entry(7, new int[] {32, 24}),
            Map.entry(8, new int[] {32, 34}), Map.entry(9, new int[] {32, 36}), Map.entry(10, new int[] {256, 84}),
            Map.entry(11, new int[] {256, 110}), Map.entry(12, new int[] {256, 144}),
            Map.entry(13, new int[] {256, 176}), Map.entry(14, new int[] {256, 210}),
            Map.entry(15, new int[] {256, 292}), Map.entry(16, new int[] {256, 66}), Map.entry(17, new int[] {256, 74}),
            Map.entry(18, new int[] {256, 98}), Map.entry(19, new int[] {256, 50}), Map.entry(20, new int[] {32, 18}),
            Map.entry(21, new int[] {256, 110}), Map.entry(22, new int[] {256, 82}),
            Map.entry(23, new int[] {256, 136}), Map.entry(24, new int[] {1, 1}), Map.entry(25, new int[] {1, 2}),
            Map.entry(26, new int[] {1, 4}), Map.entry(27, new int[] {1, 8}), Map.entry(28, new int[] {1, 8}),
            Map.entry(29, new int[] {256, 56}), Map.entry(30, new int[] {1, 2}), Map.entry(34, new int[] {256, 54}),
            Map.entry(35, new int[] {256, 66}));

    /** llama.cpp {@code general.file_type} values and their usual names. */
    private static final Map<Integer, String> FILE_TYPES = Map.ofEntries(
            Map.entry(0, "F32"), Map.entry(1, "F16"), Map.entry(2, "Q4_0"), Map.entry(3, "Q4_1"),
            Map.entry(7, "Q8_0"), Map.entry(8, "Q5_0"), Map.entry(9, "Q5_1"), Map.entry(10, "Q2_K"),
            Map.entry(11, "Q3_K_S"), Map.entry(12, "Q3_K_M"), Map.entry(13, "Q3_K_L"), Map.entry(14, "Q4_K_S"),
            Map.entry(15, "Q4_K_M"), Map.entry(16, "Q5_K_S"), Map.entry(17, "Q5_K_M"), Map.entry(18, "Q6_K"),
            Map.entry(19, "IQ2_XXS"), Map.entry(20, "IQ2_XS"), Map.entry(21, "Q2_K_S"), Map.entry(22, "IQ3_XS"),
            Map.entry(23, "IQ3_XXS"), Map.entry(24, "IQ1_S"), Map.entry(25, "IQ4_NL"), Map.entry(26, "IQ3_S"),
            Map.entry(27, "IQ3_M"), Map.entry(28, "IQ2_S"), Map.entry(29, "IQ2_M"), Map.entry(30, "IQ4_XS"),
            Map.entry(31, "IQ1_M"), Map.entry(32, "BF16"), Map.entry(36, "TQ1_0"), Map.entry(37, "TQ2_0"));

    /** The quantization name, e.g. {@code Q8_0}; empty when the file does not say. */
    String quantization() {
        return fileType < 0 ? "" : FILE_TYPES.getOrDefault(fileType, "type " + fileType);
    }

    /**
     * Reads and checks the header, the tensor table and that every tensor's data lies within the file.
     *
     * @throws ModelLoadException       missing, unreadable, not GGUF, malformed or truncated
     * @throws UnsupportedModelException well formed, but an architecture or tensor type the runtime cannot run
     */
    static GgufHeader read(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("model file not found: " + file);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
        if (Files.isDirectory(file)) {
            throw new ModelLoadException("model path is a directory, not a GGUF file: " + file);
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return new Reader(file, size, new DataInputStream(in)).read();
        } catch (EOFException e) {
            throw new ModelLoadException("truncated GGUF file " + file + ": it ends inside its header", e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
    }

    private static final class Reader {
        private final Path file;
        private final long size;
        private final DataInputStream in;
        private long pos;

        Reader(Path file, long size, DataInputStream in) {
            this.file = file;
            this.size = size;
            this.in = in;
        }

        GgufHeader read() throws IOException {
            if (size < 24) {
                throw bad(size < 4 ? "too short to be a GGUF file (" + size + " bytes)" : "truncated GGUF header");
            }
            if (i32() != MAGIC) {
                throw bad("not a GGUF file (wrong magic number)");
            }
            int version = i32();
            if (version < 2 || version > 3) {
                throw new UnsupportedModelException("GGUF version " + version + " of " + file
                        + " is not supported (versions 2 and 3 are)");
            }
            long tensors = count(u64(), MAX_TENSORS, "tensor count");
            long kvs = count(u64(), MAX_KV, "metadata count");
            String arch = "";
            String name = "";
            int fileType = -1;
            long alignment = 32;
            boolean addBos = true;
            Optional<String> template = Optional.empty();
            java.util.Map<String, Long> contextLengths = new java.util.HashMap<>();
            for (long i = 0; i < kvs; i++) {
                String key = string();
                int type = i32();
                switch (key) {
                    case "general.architecture" -> arch = expectString(key, type);
                    case "general.name" -> name = expectString(key, type);
                    case "general.file_type" -> fileType = (int) integer(key, type);
                    case "general.alignment" -> alignment = integer(key, type);
                    case "tokenizer.ggml.add_bos_token" -> addBos = type == 7 ? in.readByte() != 0 : skipTrue(type);
                    case "tokenizer.chat_template" -> template = Optional.of(expectString(key, type));
                    default -> {
                        if (key.endsWith(".context_length") && isInteger(type)) {
                            contextLengths.put(key, integer(key, type));
                        } else {
                            skip(type, 0);
                        }
                    }
                }
            }
            if (arch.isEmpty()) {
                throw bad("no general.architecture in the GGUF metadata");
            }
            if (alignment <= 0 || alignment > 1 << 20 || Long.bitCount(alignment) != 1) {
                throw bad("invalid general.alignment " + alignment);
            }
            long params = 0;
            long[][] spans = new long[(int) tensors][];
            for (long t = 0; t < tensors; t++) {
                String tensor = string();
                int dims = i32();
                if (dims < 1 || dims > 8) {
                    throw bad("tensor " + tensor + " has " + dims + " dimensions");
                }
                long elements = 1;
                for (int d = 0; d < dims; d++) {
                    long n = u64();
                    if (n < 0 || n > size * 64) {
                        throw bad("tensor " + tensor + " has an impossible dimension " + n);
                    }
                    elements = Math.multiplyExact(elements, Math.max(n, 1));
                }
                int type = i32();
                long offset = u64();
                int[] ts = TYPE_SIZES.get(type);
                if (ts == null) {
                    throw new UnsupportedModelException("tensor " + tensor + " of " + file + " has ggml type " + type
                            + ", which the bundled llama.cpp cannot run");
                }
                if (elements % ts[0] != 0) {
                    throw bad("tensor " + tensor + " has " + elements + " elements, not a multiple of its block");
                }
                params += elements;
                spans[(int) t] = new long[] {offset, elements / ts[0] * ts[1]};
            }
            long dataStart = (pos + alignment - 1) / alignment * alignment;
            for (long[] span : spans) {
                if (span[0] < 0 || span[0] % alignment != 0 || dataStart + span[0] + span[1] > size) {
                    throw new ModelLoadException("truncated GGUF file " + file + ": tensor data ends at byte "
                            + (dataStart + span[0] + span[1]) + " but the file has " + size + " bytes");
                }
            }
            if (!SUPPORTED_ARCHITECTURES.contains(arch)) {
                throw new UnsupportedModelException("model architecture '" + arch + "' of " + file
                        + " is not supported by the bundled llama.cpp (build b4916); supported include qwen2, llama"
                        + " and deepseek2 (the DeepSeek-R1-Distill family)");
            }
            long ctx = contextLengths.getOrDefault(arch + ".context_length", 0L);
            return new GgufHeader(arch, name, fileType, ctx, addBos, template, params);
        }

        private ModelLoadException bad(String what) {
            return new ModelLoadException("invalid GGUF file " + file + ": " + what);
        }

        private long count(long n, long max, String what) {
            if (n < 0 || n > max || n > size) {
                throw bad(what + " " + n + " is out of bounds");
            }
            return n;
        }

        private int i32() throws IOException {
            pos += 4;
            return Integer.reverseBytes(in.readInt());
        }

        private long u64() throws IOException {
            pos += 8;
            return Long.reverseBytes(in.readLong());
        }

        private String string() throws IOException {
            long n = u64();
            if (n < 0 || n > MAX_STRING || pos + n > size) {
                throw bad("string length " + n + " at byte " + pos + " exceeds the file");
            }
            byte[] b = in.readNBytes((int) n);
            if (b.length != n) {
                throw new EOFException();
            }
            pos += n;
            return new String(b, StandardCharsets.UTF_8);
        }

        private static boolean isInteger(int type) {
            return type >= 0 && type <= 5 || type == 10 || type == 11;
        }

        private long integer(String key, int type) throws IOException {
            return switch (type) {
                case 0 -> { pos += 1; yield in.readUnsignedByte(); }
                case 1 -> { pos += 1; yield in.readByte(); }
                case 2 -> { pos += 2; yield Short.toUnsignedInt(Short.reverseBytes(in.readShort())); }
                case 3 -> { pos += 2; yield Short.reverseBytes(in.readShort()); }
                case 4 -> Integer.toUnsignedLong(i32());
                case 5 -> i32();
                case 10, 11 -> u64();
                default -> throw bad(key + " has type " + type + ", expected an integer");
            };
        }

        private String expectString(String key, int type) throws IOException {
            if (type != 8) {
                throw bad(key + " has type " + type + ", expected a string");
            }
            return string();
        }

        private boolean skipTrue(int type) throws IOException {
            skip(type, 0);
            return true;
        }

        private void skip(int type, int depth) throws IOException {
            switch (type) {
                case 0, 1, 7 -> skipBytes(1);
                case 2, 3 -> skipBytes(2);
                case 4, 5, 6 -> skipBytes(4);
                case 10, 11, 12 -> skipBytes(8);
                case 8 -> string();
                case 9 -> {
                    if (depth > 2) {
                        throw bad("arrays nested too deeply");
                    }
                    int elementType = i32();
                    long n = u64();
                    if (n < 0 || n > size - pos) {
                        throw bad("array length " + n + " at byte " + pos + " exceeds the file");
                    }
                    for (long i = 0; i < n; i++) {
                        skip(elementType, depth + 1);
                    }
                }
                default -> throw bad("unknown metadata value type " + type + " at byte " + pos);
            }
        }

        private void skipBytes(long n) throws IOException {
            if (pos + n > size) {
                throw new EOFException();
            }
            in.skipNBytes(n);
            pos += n;
        }
    }
}

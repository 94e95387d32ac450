package dev.deliberate.core.llama;

import dev.deliberate.core.ModelLoadException;
import dev.deliberate.core.UnsupportedModelException;
import dev.deliberate.core.gguf.GgufFile;
import dev.deliberate.core.gguf.GgufFormatException;
import dev.deliberate.core.gguf.GgufSummary;
import dev.deliberate.core.gguf.GgufTensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The few facts the llama.cpp backend needs from a GGUF file, read and checked in Java (with
 * {@link dev.deliberate.core.gguf.GgufFile}) before native code sees the file, so that a missing, foreign, truncated
 * or unsupported file is a typed error and never a native crash.
 */
record GgufHeader(
        String architecture,
        String name,
        String quantization,
        long contextLength,
        boolean addBos,
        Optional<String> chatTemplate,
        long parameterCount) {

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
                gguf.getBoolean("tokenizer.ggml.add_bos_token").orElse(true), s.chatTemplate(), s.parameterCount());
    }
}

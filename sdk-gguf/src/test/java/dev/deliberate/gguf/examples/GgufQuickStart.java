package dev.deliberate.gguf.examples;

import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufSummary;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.io.IOException;
import java.nio.file.Path;

/** Write a tiny test model, then read its header back: {@code java GgufQuickStart OUT.gguf}. */
public class GgufQuickStart {

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        TestModelGenerator.of(TestModelPreset.TINY, 42).writeGguf(file);   // random Qwen2 weights, R1 template
        GgufFile gguf = GgufFile.read(file);                               // header only, bounded, typed errors
        GgufSummary s = GgufSummary.of(gguf);
        System.out.println(s.architecture().orElse("?") + ", " + s.parameterCount() + " parameters, "
                + s.quantization() + ", context " + s.contextLength().orElse(0) + ", opens <think>: "
                + s.opensThinking());
    }
}

package dev.deliberate.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufSummaryTest {

    @TempDir
    Path dir;

    @Test
    void r1TemplateOpensThinking() {
        assertTrue(GgufSummary.templateOpensThinking(
                "{{ bos_token }}{% if add_generation_prompt %}{{ '<｜Assistant｜><think>\\n' }}{% endif %}"));
    }

    @Test
    void whitespaceControlledTemplateOpeningThinkingIsRecognised() {
        assertTrue(GgufSummary.templateOpensThinking(
                "{%- if add_generation_prompt %}\n    {{- '<|im_start|>assistant\\n<think>\\n' }}\n{%- endif %}"));
    }

    @Test
    void templateThatOpensAndClosesAnEmptyThinkBlockDoesNotOpenThinking() {
        assertFalse(GgufSummary.templateOpensThinking("{%- if add_generation_prompt %}\n"
                + "    {{- '<|im_start|>assistant\\n' }}\n"
                + "    {%- if enable_thinking is defined and enable_thinking is false %}\n"
                + "        {{- '<think>\\n\\n</think>\\n\\n' }}\n"
                + "    {%- endif %}\n"
                + "{%- endif %}"));
    }

    @Test
    void templatesWithoutThinkingOrWithoutGenerationPromptDoNotOpenThinking() {
        assertFalse(GgufSummary.templateOpensThinking(
                "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}"));
        assertFalse(GgufSummary.templateOpensThinking("{{ messages[0]['content'] }}<think>"));
        assertFalse(GgufSummary.templateOpensThinking(""));
    }

    @Test
    void withoutFileTypeTheMostCommonTensorTypeNamesTheQuantization() throws IOException {
        Path file = dir.resolve("m.gguf");
        float[] zeros = new float[64];
        new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("llama.context_length", GgufValue.uint64(131_072))
                .put("llama.attention.head_count_kv", GgufValue.ArrayValue.ofIntegers(GgufValueType.INT32, 8, 8))
                .put("llama.vocab_size", GgufValue.uint32(100))
                .tensor("a", GgmlType.Q8_0, List.of(32L), sink -> sink.accept(zeros, 0, 32))
                .tensor("b", GgmlType.Q8_0, List.of(32L, 2L), sink -> sink.accept(zeros, 0, 64))
                .tensor("c", GgmlType.F32, List.of(3L), sink -> sink.accept(zeros, 0, 3))
                .write(file);
        GgufSummary s = GgufSummary.of(GgufFile.read(file));
        assertEquals("Q8_0", s.quantization());
        assertEquals(OptionalInt.empty(), s.fileType());
        assertEquals(Map.of("F32", 1, "Q8_0", 2), s.tensorTypes());
        assertEquals(99, s.parameterCount());
        assertEquals(OptionalLong.of(131_072), s.contextLength());
        assertEquals(OptionalLong.of(8), s.kvHeads()); // per-layer array: the first layer's value
        assertEquals(OptionalLong.empty(), s.heads());
        assertEquals(OptionalLong.of(100), s.vocabularySize()); // no token list: <arch>.vocab_size
        assertFalse(s.opensThinking());
        assertTrue(s.chatTemplate().isEmpty());
    }

    @Test
    void unknownFileTypeIsNamedByItsCode() throws IOException {
        Path file = dir.resolve("m.gguf");
        new GgufWriter().put("general.file_type", GgufValue.uint32(99)).write(file);
        GgufSummary s = GgufSummary.of(GgufFile.read(file));
        assertEquals("unknown file type 99", s.quantization());
        assertTrue(s.architecture().isEmpty());
        assertEquals(0, s.parameterCount());
    }
}

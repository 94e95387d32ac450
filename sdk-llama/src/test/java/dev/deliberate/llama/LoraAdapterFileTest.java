package dev.deliberate.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.deliberate.core.InvalidRequestException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoraAdapterFileTest {

    @Test
    void parsesFileAndOptionalScale() {
        assertEquals(new LoraAdapterFile(Path.of("a.gguf"), 1f), LoraAdapterFile.parse("a.gguf"));
        assertEquals(new LoraAdapterFile(Path.of("dir/a.gguf"), 0.5f), LoraAdapterFile.parse("dir/a.gguf:0.5"));
        assertEquals(new LoraAdapterFile(Path.of("a.gguf"), -1f), LoraAdapterFile.parse("a.gguf:-1"));
        assertEquals(new LoraAdapterFile(Path.of("a.gguf"), 2e-1f), LoraAdapterFile.parse("a.gguf:2e-1"));
        assertEquals(Path.of("C:\\x\\a.gguf"), LoraAdapterFile.parse("C:\\x\\a.gguf").path()); // drive, not scale
        assertEquals(Path.of("a:b.gguf"), LoraAdapterFile.parse("a:b.gguf").path());
    }

    @Test
    void rejectsEmptyAndNonFiniteScales() {
        assertThrows(InvalidRequestException.class, () -> LoraAdapterFile.parse(" "));
        assertThrows(InvalidRequestException.class, () -> new LoraAdapterFile(Path.of("a"), Float.NaN));
        assertThrows(InvalidRequestException.class, () -> LoraAdapterFile.parse("a.gguf:1e99"));
    }

    @Test
    void optionsKeepAdaptersInOrder() {
        LlamaOptions o = LlamaOptions.defaults().withThreads(2).withLoraAdapter(Path.of("a"), 1f)
                .withLoraAdapter(Path.of("b"), 0.5f).withContextSize(128);
        assertEquals(List.of(LoraAdapterFile.of(Path.of("a")), new LoraAdapterFile(Path.of("b"), 0.5f)),
                o.loraAdapters());
        assertEquals(List.of(), new LlamaOptions(1, 2, 0).loraAdapters());
    }
}

package dev.deliberate.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deliberate.core.ModelInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ResultJsonModelTest {

    private static ModelInfo model(List<ModelInfo.Adapter> adapters) {
        return new ModelInfo("llama.cpp", "m.gguf", Optional.of(Path.of("/m.gguf")), Optional.of("a".repeat(64)), "m",
                "qwen2", "F32", OptionalLong.of(10), 512, adapters);
    }

    @Test
    void adaptersAreRecordedWithFileHashAndScale() {
        JsonNode j = ResultJson.model(model(List.of(new ModelInfo.Adapter(Path.of("/a.gguf"), "b".repeat(64), 0.5))));
        assertEquals("/a.gguf", j.at("/adapters/0/file").asText());
        assertEquals("b".repeat(64), j.at("/adapters/0/sha256").asText());
        assertEquals(0.5, j.at("/adapters/0/scale").asDouble());
    }

    @Test
    void noAdaptersNoField() {
        assertFalse(ResultJson.model(model(List.of())).has("adapters"));
        assertEquals(List.of(), new ModelInfo("b", "l", Optional.empty(), Optional.empty(), "m", "", "",
                OptionalLong.empty(), 0).adapters());
    }

    @Test
    void adapterNeedsAHashAndAFiniteScale() {
        assertThrows(IllegalArgumentException.class, () -> new ModelInfo.Adapter(Path.of("a"), "xyz", 1));
        assertThrows(IllegalArgumentException.class, () -> new ModelInfo.Adapter(Path.of("a"), "b".repeat(64),
                Double.NaN));
    }
}

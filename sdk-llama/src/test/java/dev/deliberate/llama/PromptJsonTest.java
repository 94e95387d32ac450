package dev.deliberate.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The prompt array written without a JSON library reads back as what was given. */
class PromptJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void textsAndIdsReadBackUnchangedWhateverTheCharacters() throws Exception {
        List<Object> segments = List.of("", 151646, "quote \" backslash \\ slash / tab\tcr\rlf\n",
                "control \u0000\u0001\u001f del \u007f", 0, "R1 <｜Assistant｜><think>\n ünïcödé 😀 \u2028", -1,
                Integer.MAX_VALUE);
        JsonNode read = MAPPER.readTree(PromptJson.json(segments));
        List<Object> back = new ArrayList<>();
        read.forEach(n -> back.add(n.isInt() ? (Object) n.intValue() : n.textValue()));
        assertEquals(segments, back);
    }

    @Test
    void emptyListIsAnEmptyArray() {
        assertEquals("[]", PromptJson.json(List.of()));
    }
}

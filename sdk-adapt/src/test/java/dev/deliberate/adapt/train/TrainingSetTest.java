package dev.deliberate.adapt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.ChatMessage;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainingSetTest {

    private static final String GOOD = "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":\"2+2?\"},"
            + "{\"role\":\"assistant\",\"thinking\":\"two and two\",\"content\":\"4\"}]}";

    private static TrainingSet read(String text) throws IOException {
        return TrainingSet.read("data.jsonl", new StringReader(text), TrainingDataLimits.defaults());
    }

    @Test
    void readsExamplesWithTheirLineNumbersAndSkipsBlankLines() throws IOException {
        TrainingSet set = read(GOOD + "\n\n{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"hello\"}]}\r\n");
        assertEquals(2, set.size());
        assertEquals(List.of(1, 3), set.lines());
        TrainingExample first = set.examples().get(0);
        assertEquals(List.of(ChatMessage.system("Be brief."), ChatMessage.user("2+2?")), first.prompt());
        assertEquals("two and two", first.thinking());
        assertEquals("4", first.answer());
        assertEquals("", set.examples().get(1).thinking());
        assertEquals("data.jsonl:3", set.where(1));
    }

    @Test
    void keepsEarlierTurnsAsThePrompt() throws IOException {
        TrainingSet set = read("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\","
                + "\"thinking\":\"ignored\",\"content\":\"b\"},{\"role\":\"user\",\"content\":\"c\"},"
                + "{\"role\":\"assistant\",\"content\":\"d\"}]}");
        assertEquals(List.of(ChatMessage.user("a"), ChatMessage.assistant("b"), ChatMessage.user("c")),
                set.examples().get(0).prompt());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}                                     | needs a user message",
        "[1,2]                                                                                          | expected a JSON object",
        "{\"msgs\":[]}                                                                                  | no \"messages\" array",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"user\",\"content\":\"y\"}]}   | the last message must be the assistant's",
        "{\"messages\":[{\"role\":\"bot\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"y\"}]} | role \"bot\"",
        "{\"messages\":[{\"role\":\"user\"},{\"role\":\"assistant\",\"content\":\"y\"}]}                | message 1 has no \"content\"",
        "{\"messages\":[{\"role\":\"user\",\"content\":3},{\"role\":\"assistant\",\"content\":\"y\"}]}  | \"content\" must be a string",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"thinking\":\"t\"},{\"role\":\"assistant\",\"content\":\"y\"}]} | only assistant messages have thinking",
        "{\"messages\":[{\"role\":\"system\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"y\"}]} | no user message",
        "{\"messages\":[1,{\"role\":\"assistant\",\"content\":\"y\"}]}                                  | message 1 is not an object",
    })
    void aMalformedLineIsNamedByItsNumber(String bad, String reason) {
        TrainingDataException e = assertThrows(TrainingDataException.class, () -> read(GOOD + "\n" + GOOD + "\n"
                + bad.strip() + "\n" + GOOD));
        assertEquals(3, e.line());
        assertEquals("data.jsonl", e.source());
        assertTrue(e.getMessage().startsWith("data.jsonl:3: "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void boundsLineLengthLineCountAndMessages() {
        TrainingDataLimits tight = new TrainingDataLimits(GOOD.length(), 2, 8);
        TrainingDataException tooLong = assertThrows(TrainingDataException.class,
                () -> TrainingSet.read("d", new StringReader(GOOD + "\n" + GOOD + "x\n"), tight));
        assertEquals(2, tooLong.line());
        assertTrue(tooLong.getMessage().contains("longer than"), tooLong.getMessage());
        TrainingDataException tooMany = assertThrows(TrainingDataException.class,
                () -> TrainingSet.read("d", new StringReader(GOOD + "\n" + GOOD + "\n" + GOOD), tight));
        assertEquals(3, tooMany.line());
        TrainingDataException messages = assertThrows(TrainingDataException.class,
                () -> TrainingSet.read("d", new StringReader(GOOD), new TrainingDataLimits(1000, 10, 2)));
        assertTrue(messages.getMessage().contains("3 messages"), messages.getMessage());
    }

    @Test
    void fileErrorsNameTheFile(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("none.jsonl");
        assertTrue(assertThrows(TrainingDataException.class, () -> TrainingSet.read(missing)).getMessage()
                .startsWith(missing + ": no such file"));
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n  \n");
        assertTrue(assertThrows(TrainingDataException.class, () -> TrainingSet.read(empty)).getMessage()
                .contains("no training examples"));
        Path latin1 = Files.write(dir.resolve("latin1.jsonl"), (GOOD + "\n" + GOOD.replace("brief", "br\u00e9f"))
                .getBytes(StandardCharsets.ISO_8859_1));
        TrainingDataException e = assertThrows(TrainingDataException.class, () -> TrainingSet.read(latin1));
        assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
        Path json = Files.writeString(dir.resolve("bad.jsonl"), GOOD + "\n{\"messages\": [");
        assertEquals(2, assertThrows(TrainingDataException.class, () -> TrainingSet.read(json)).line());
    }
}

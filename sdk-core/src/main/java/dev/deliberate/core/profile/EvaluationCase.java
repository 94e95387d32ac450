package dev.deliberate.core.profile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * One case of a profile's evaluation set: an input and the answer expected for it.
 *
 * @param id       a stable name, unique in the set (regression comparisons match cases by it)
 * @param input    the user message
 * @param expected the expected answer (fields not given are not scored)
 * @param novel    whether the case is marked novel (a cascade escalates such cases)
 * @param source   where it was read, {@code file:line}
 */
public record EvaluationCase(String id, String input, JsonNode expected, boolean novel, String source) {
    /** Validates. */
    public EvaluationCase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(source, "source");
        expected = expected.deepCopy();
    }

    @Override
    public JsonNode expected() {
        return expected.deepCopy();
    }

    /** The expected value of a top-level field, if the case names one. */
    public Optional<JsonNode> expectedField(String field) {
        return Optional.ofNullable(expected.get(field)).map(JsonNode::deepCopy);
    }

    /**
     * Reads cases from a JSON Lines file ({@code {"id", "input", "expected", "novel"}} per line), as a profile's
     * {@code evaluation.cases} file is read: bounded, UTF-8, errors naming the file and line.
     *
     * @throws ProfileException   when a line is not a valid case
     * @throws java.io.IOException when the file cannot be read
     */
    public static java.util.List<EvaluationCase> readJsonLines(java.nio.file.Path file) throws java.io.IOException {
        if (java.nio.file.Files.size(file) > ProfileLoader.MAX_FILE_BYTES) {
            throw new ProfileException(file.toString(), 0, "file is larger than " + ProfileLoader.MAX_FILE_BYTES
                    + " bytes");
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        String text;
        try {
            text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ProfileException(file.toString(), 0, "not UTF-8 text");
        }
        return ProfileLoader.readCases(file.toString(), text);
    }
}

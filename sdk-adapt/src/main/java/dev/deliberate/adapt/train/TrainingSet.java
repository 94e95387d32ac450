package dev.deliberate.adapt.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.ChatMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Chat examples read from a JSON Lines file, each with the line it came from. One example per line:
 *
 * <pre>{@code
 * {"messages":[{"role":"system","content":"..."},{"role":"user","content":"..."},
 *              {"role":"assistant","thinking":"...","content":"..."}]}
 * }</pre>
 *
 * <p>The system message and the thinking are optional; the last message is the assistant turn that is trained, and
 * earlier turns are the prompt (the thinking of an earlier assistant turn is ignored, as chat templates drop it).
 * Blank lines are skipped; other keys are ignored. Reading is bounded by {@link TrainingDataLimits}; every error names
 * the file and line ({@link TrainingDataException}).
 *
 * @param source   where the examples came from (the file name), for messages
 * @param examples the examples, in file order
 * @param lines    the 1-based line number of each example
 */
public record TrainingSet(String source, List<TrainingExample> examples, List<Integer> lines) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Checks that every example has a line number and that there is at least one example. */
    public TrainingSet {
        Objects.requireNonNull(source, "source");
        examples = List.copyOf(examples);
        lines = List.copyOf(lines);
        if (examples.size() != lines.size()) {
            throw new IllegalArgumentException("one line number per example");
        }
        if (examples.isEmpty()) {
            throw new TrainingDataException(source, 0, "no training examples");
        }
    }

    /** Examples made in code; their "lines" are their 1-based positions. */
    public static TrainingSet of(String source, List<TrainingExample> examples) {
        List<Integer> lines = new ArrayList<>();
        for (int i = 1; i <= examples.size(); i++) {
            lines.add(i);
        }
        return new TrainingSet(source, examples, lines);
    }

    /** Reads a file with the {@linkplain TrainingDataLimits#defaults() default limits}. */
    public static TrainingSet read(Path file) {
        return read(file, TrainingDataLimits.defaults());
    }

    /**
     * Reads a JSON Lines file of chat examples.
     *
     * @throws TrainingDataException the file is missing, unreadable, not UTF-8, beyond the limits, empty, or a line is
     *                               not a valid example (named by its number)
     */
    public static TrainingSet read(Path file, TrainingDataLimits limits) {
        String source = file.toString();
        try (InputStream in = Files.newInputStream(file)) {
            Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
            return read(source, reader, limits);
        } catch (NoSuchFileException e) {
            throw new TrainingDataException(source, 0, "no such file");
        } catch (IOException e) {
            throw new TrainingDataException(source, 0, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads JSON Lines from a reader (closed by the caller); {@code source} names it in errors. */
    public static TrainingSet read(String source, Reader reader, TrainingDataLimits limits) throws IOException {
        List<TrainingExample> examples = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        char[] buf = new char[8192];
        int lineNo = 1;
        boolean pending = false;
        while (true) {
            int n;
            try {
                n = reader.read(buf);
            } catch (CharacterCodingException e) {
                throw new TrainingDataException(source, lineNo, "not UTF-8 text (at or after this line)", e);
            }
            if (n < 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                char c = buf[i];
                if (c == '\n') {
                    parseLine(source, lineNo, line, limits, examples, lines);
                    line.setLength(0);
                    pending = false;
                    if (lineNo >= limits.maxLines()) {
                        throw new TrainingDataException(source, lineNo + 1L, "more than " + limits.maxLines()
                                + " lines");
                    }
                    lineNo++;
                } else {
                    if (line.length() >= limits.maxLineChars()) {
                        throw new TrainingDataException(source, lineNo, "line longer than " + limits.maxLineChars()
                                + " characters");
                    }
                    line.append(c);
                    pending = true;
                }
            }
        }
        if (pending) {
            parseLine(source, lineNo, line, limits, examples, lines);
        }
        if (examples.isEmpty()) {
            throw new TrainingDataException(source, 0, "no training examples (the file is empty or blank)");
        }
        return new TrainingSet(source, examples, lines);
    }

    private static void parseLine(String source, int lineNo, StringBuilder raw, TrainingDataLimits limits,
            List<TrainingExample> examples, List<Integer> lines) {
        String text = raw.toString();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isBlank()) {
            return;
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new TrainingDataException(source, lineNo, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        examples.add(example(source, lineNo, root, limits));
        lines.add(lineNo);
    }

    private static TrainingExample example(String source, int lineNo, JsonNode root, TrainingDataLimits limits) {
        if (root == null || !root.isObject()) {
            throw new TrainingDataException(source, lineNo, "expected a JSON object {\"messages\":[...]}");
        }
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray()) {
            throw new TrainingDataException(source, lineNo, "no \"messages\" array");
        }
        if (messages.size() > limits.maxMessagesPerLine()) {
            throw new TrainingDataException(source, lineNo, messages.size() + " messages, more than the limit of "
                    + limits.maxMessagesPerLine());
        }
        if (messages.size() < 2) {
            throw new TrainingDataException(source, lineNo, "needs a user message and a final assistant message");
        }
        List<ChatMessage> prompt = new ArrayList<>();
        String thinking = "";
        String answer = null;
        int index = 0;
        for (Iterator<JsonNode> it = messages.elements(); it.hasNext(); index++) {
            JsonNode m = it.next();
            String where = "message " + (index + 1);
            if (!m.isObject()) {
                throw new TrainingDataException(source, lineNo, where + " is not an object");
            }
            ChatMessage.Role role = role(source, lineNo, where, m.get("role"));
            String content = text(source, lineNo, where, m, "content", true);
            String messageThinking = text(source, lineNo, where, m, "thinking", false);
            if (messageThinking != null && role != ChatMessage.Role.ASSISTANT) {
                throw new TrainingDataException(source, lineNo, where + ": only assistant messages have thinking");
            }
            if (it.hasNext()) {
                prompt.add(new ChatMessage(role, content));
            } else {
                if (role != ChatMessage.Role.ASSISTANT) {
                    throw new TrainingDataException(source, lineNo, "the last message must be the assistant's"
                            + " (it is the trained turn), not " + role.name().toLowerCase(java.util.Locale.ROOT));
                }
                answer = content;
                thinking = messageThinking == null ? "" : messageThinking;
            }
        }
        try {
            return new TrainingExample(prompt, thinking, answer);
        } catch (IllegalArgumentException e) {
            throw new TrainingDataException(source, lineNo, e.getMessage(), e);
        }
    }

    private static final Map<String, ChatMessage.Role> ROLES = Map.of("system", ChatMessage.Role.SYSTEM,
            "user", ChatMessage.Role.USER, "assistant", ChatMessage.Role.ASSISTANT);

    private static ChatMessage.Role role(String source, int lineNo, String where, JsonNode role) {
        if (role == null || !role.isTextual()) {
            throw new TrainingDataException(source, lineNo, where + " has no \"role\" string");
        }
        ChatMessage.Role r = ROLES.get(role.asText());
        if (r == null) {
            throw new TrainingDataException(source, lineNo, where + " has role \"" + role.asText()
                    + "\"; expected system, user or assistant");
        }
        return r;
    }

    private static String text(String source, int lineNo, String where, JsonNode m, String key, boolean required) {
        JsonNode v = m.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new TrainingDataException(source, lineNo, where + " has no \"" + key + "\"");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new TrainingDataException(source, lineNo, where + ": \"" + key + "\" must be a string");
        }
        return v.asText();
    }

    /** {@code file:line} of an example, for messages. */
    public String where(int index) {
        return source + ":" + lines.get(index);
    }

    /** The number of examples. */
    public int size() {
        return examples.size();
    }
}

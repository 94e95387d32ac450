package dev.deliberate.robotics.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Objects;

/**
 * Bounded JSON reading and writing for text that comes from the network, from goals and from models. Not API: it may
 * change without notice.
 *
 * <p>Every read is bounded by the text's length (checked before parsing), the nesting depth, and the lengths of
 * strings and numbers; duplicate keys and NaN are rejected.
 */
public final class BoundedJson {

    private final ObjectMapper mapper;
    private final int maxChars;

    /**
     * @param maxChars the longest text accepted, in chars
     * @param maxDepth the deepest nesting accepted
     */
    public BoundedJson(int maxChars, int maxDepth) {
        if (maxChars < 2 || maxDepth < 1) {
            throw new IllegalArgumentException("bounds too small: " + maxChars + " chars, depth " + maxDepth);
        }
        this.maxChars = maxChars;
        this.mapper = JsonMapper.builder()
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxDocumentLength(maxChars)
                .maxNestingDepth(maxDepth)
                .maxStringLength(maxChars)
                .maxNumberLength(100)
                .maxNameLength(Math.min(maxChars, 50_000))
                .build());
    }

    /** The mapper, for building nodes (never use it to read unbounded input). */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Parses {@code text}.
     *
     * @throws MalformedJsonException when it is too long, too deep, or not one JSON value
     */
    public JsonNode parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() > maxChars) {
            throw new MalformedJsonException("JSON text of " + text.length() + " chars exceeds the limit of "
                    + maxChars);
        }
        try {
            JsonNode node = mapper.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new MalformedJsonException("empty JSON text");
            }
            return node;
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            throw new MalformedJsonException(e.getOriginalMessage() + (where == null ? ""
                    : " at line " + where.getLineNr() + ", column " + where.getColumnNr()), e);
        }
    }

    /** Compact JSON text of {@code node}. */
    public String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    /**
     * Compact JSON text of {@code node} with {@code <}, {@code >} and {@code &} written as Unicode escapes, so that it
     * can be quoted between markers in a prompt without closing them. Still valid JSON: those characters can only
     * occur inside strings.
     */
    public String writeQuotable(JsonNode node) {
        return escapeMarkup(write(node));
    }

    /** A JSON string literal of {@code text}, quotable as {@link #writeQuotable(JsonNode)}. */
    public String quoteString(String text) {
        return escapeMarkup(write(mapper.getNodeFactory().textNode(text)));
    }

    private static String escapeMarkup(String json) {
        return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }

    /** JSON text that could not be read within the bounds. */
    public static final class MalformedJsonException extends dev.deliberate.robotics.RoboticsException {
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String message) {
            super(message);
        }

        MalformedJsonException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

package dev.deliberate.llama;

import de.kherud.llama.InferenceParameters;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a prompt made of text and token ids. llama.cpp accepts a JSON array mixing strings and ids as prompt, but the
 * binding only offers a string setter, so its parameter map is reached by reflection; if that ever fails (another
 * binding version), the caller falls back to the text prompt, which is only slower.
 */
final class PromptJson {

    private static final Logger LOG = LoggerFactory.getLogger(PromptJson.class);
    private static final Field PARAMETERS = find();

    private PromptJson() {}

    private static Field find() {
        try {
            Field f = InferenceParameters.class.getSuperclass().getDeclaredField("parameters");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("token-id prompts unavailable with this binding: {}", e.toString());
            return null;
        }
    }

    /** Sets {@code segments} (Strings and Integers) as the prompt; false when not possible. */
    @SuppressWarnings("unchecked")
    static boolean set(InferenceParameters p, List<Object> segments) {
        if (PARAMETERS == null) {
            return false;
        }
        try {
            ((Map<String, String>) PARAMETERS.get(p)).put("prompt", json(segments));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("token-id prompt not set: {}", e.toString());
            return false;
        }
    }

    /**
     * Whether {@code p} sets the request parameter {@code key}: a look-up in the binding's parameter map, or, when that
     * is not reachable, a search of the JSON the binding sends ({@code toString}; values are quoted and escaped
     * there, so a prompt's text cannot look like a key).
     */
    @SuppressWarnings("unchecked")
    static boolean has(InferenceParameters p, String key) {
        if (PARAMETERS != null) {
            try {
                return ((Map<String, String>) PARAMETERS.get(p)).containsKey(key);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.debug("parameter map not readable: {}", e.toString());
            }
        }
        return p.toString().contains("\"" + key + "\": ");
    }

    /**
     * The JSON array, written directly: it is built once per generation, before the first token, where a tree of
     * JSON nodes cost a few tenths of a millisecond.
     */
    static String json(List<Object> segments) {
        StringBuilder out = new StringBuilder(segments.size() * 7 + 16).append('[');
        for (Object s : segments) {
            if (out.length() > 1) {
                out.append(',');
            }
            if (s instanceof Integer id) {
                out.append(id.intValue());
            } else {
                string(out, (String) s);
            }
        }
        return out.append(']').toString();
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

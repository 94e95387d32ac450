package dev.deliberate.core.llama;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
    private static final ObjectMapper MAPPER = new ObjectMapper();
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
        ArrayNode array = MAPPER.createArrayNode();
        for (Object s : segments) {
            if (s instanceof Integer id) {
                array.add(id);
            } else {
                array.add((String) s);
            }
        }
        try {
            ((Map<String, String>) PARAMETERS.get(p)).put("prompt", array.toString());
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("token-id prompt not set: {}", e.toString());
            return false;
        }
    }
}

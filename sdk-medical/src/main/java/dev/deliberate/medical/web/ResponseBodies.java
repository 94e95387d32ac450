package dev.deliberate.medical.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.medical.dicom.DicomJson;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomParseException;
import dev.deliberate.medical.dicom.VR;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** Reading of DICOMweb response bodies: DICOM JSON arrays and objects, and servers' error explanations. */
final class ResponseBodies {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_DEPTH = 64;
    private static final int MESSAGE_CHARS = 300;

    private ResponseBodies() {}

    /**
     * Hands each object of a JSON array to {@code each} as it is read (one tree at a time), bounded in bytes and
     * count; returns the count. An empty body is an empty array.
     *
     * @param what the request, for messages
     */
    static int readJsonArray(InputStream body, String what, DicomWebLimits limits, Consumer<ObjectNode> each)
            throws IOException {
        int count = 0;
        InputStream in = new BoundedInputStream(body, limits.maxJsonBytes(),
                () -> new DicomWebProtocolException(what + ": JSON response larger than " + limits.maxJsonBytes()
                        + " bytes"));
        try (JsonParser p = MAPPER.getFactory().createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return 0;
            }
            if (t != JsonToken.START_ARRAY) {
                throw new DicomWebProtocolException(what + ": expected a JSON array of datasets");
            }
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    throw new DicomWebProtocolException(what + ": expected a JSON array of datasets");
                }
                if (count >= limits.maxResults()) {
                    throw new DicomWebProtocolException(what + ": more than " + limits.maxResults()
                            + " datasets in the response");
                }
                each.accept(MAPPER.readTree(p));
                count++;
            }
        } catch (JsonProcessingException e) {
            throw new DicomWebProtocolException(what + ": malformed JSON: " + e.getOriginalMessage(), e);
        }
        return count;
    }

    /** A DICOM JSON object as a dataset; elements given by BulkDataURI are left out and listed in {@code refs}. */
    static DicomObject toDataset(ObjectNode node, List<BulkDataReference> refs, String what) {
        try {
            stripBulkData(node, "", refs, 0);
            return DicomJson.read(node.toString());
        } catch (DicomParseException | IllegalArgumentException e) {
            throw new DicomWebProtocolException(what + ": not a DICOM JSON dataset: "
                    + (e instanceof DicomParseException d ? d.reason() : e.getMessage()), e);
        }
    }

    private static void stripBulkData(ObjectNode node, String path, List<BulkDataReference> refs, int depth) {
        if (depth > MAX_DEPTH) {
            throw new DicomWebProtocolException("DICOM JSON nested deeper than " + MAX_DEPTH + " sequences");
        }
        List<String> remove = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode el = f.getValue();
            String here = path.isEmpty() ? f.getKey() : path + "/" + f.getKey();
            if (el.has("BulkDataURI")) {
                VR vr = VR.fromName(el.path("vr").asText("")).orElse(VR.UN);
                refs.add(new BulkDataReference(here, vr, el.get("BulkDataURI").asText()));
                remove.add(f.getKey());
            } else if (el.path("Value").isArray() && "SQ".equals(el.path("vr").asText())) {
                int i = 0;
                for (JsonNode item : el.get("Value")) {
                    if (item instanceof ObjectNode o) {
                        stripBulkData(o, here + "/" + i, refs, depth + 1);
                    }
                    i++;
                }
            }
        }
        remove.forEach(node::remove);
    }

    /**
     * What a server said about an error, from the start of its body and its headers: a JSON message field (Orthanc's
     * {@code Details} or {@code Message}), else the {@code Warning} header (PS3.18), else the text (not HTML); one
     * line of at most 300 characters, or empty.
     */
    static String serverMessage(byte[] head, Optional<String> warning, String contentType) {
        String text = new String(head, StandardCharsets.UTF_8).strip();
        if (text.startsWith("{")) {
            try {
                JsonNode n = MAPPER.readTree(text);
                for (String field : new String[] {"Details", "Message", "message", "error", "errorMessage"}) {
                    JsonNode v = n.get(field);
                    if (v != null && v.isTextual() && !v.asText().isBlank()) {
                        return clean(v.asText());
                    }
                }
                text = ""; // JSON without a message (e.g. a DICOM JSON dataset) says nothing a person can read
            } catch (IOException | RuntimeException notJson) {
                // fall through to the header or the text
            }
        }
        if (warning.isPresent()) {
            return clean(warning.get());
        }
        if (contentType.toLowerCase(Locale.ROOT).startsWith("text/html")) {
            return "";
        }
        return clean(text);
    }

    /** One line of printable text, at most 300 characters. */
    static String clean(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < MESSAGE_CHARS; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? ' ' : c);
        }
        String out = sb.toString().replaceAll(" {2,}", " ").strip();
        return s.length() > MESSAGE_CHARS ? out + "..." : out;
    }
}

package dev.deliberate.medical.dicom;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * DICOM JSON Model (PS3.18 Annex F): datasets to and from JSON objects keyed by 8-hex-digit tags.
 *
 * <p>PN values become objects with {@code Alphabetic}, {@code Ideographic} and {@code Phonetic} components; IS and DS
 * are written as JSON numbers (a value that is no valid number is written as a string, as found); AT as 8-digit hex
 * strings; binary values as base64 {@code InlineBinary} or, with {@link DicomJsonOptions}, as {@code BulkDataURI}.
 * Empty values in a multi-valued element are written as {@code null}. Thread-safe.
 */
public final class DicomJson {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final int MAX_DEPTH = 64;

    private DicomJson() {}

    /** The dataset as a DICOM JSON object, all binary values inline. */
    public static String toJson(DicomObject dataset) {
        return toJson(dataset, DicomJsonOptions.inline());
    }

    /** The dataset as a DICOM JSON object. */
    public static String toJson(DicomObject dataset, DicomJsonOptions options) {
        StringWriter w = new StringWriter();
        try {
            write(dataset, w, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /**
     * Writes the dataset as a DICOM JSON object.
     *
     * @throws IOException when writing or reading bulk data fails
     */
    public static void write(DicomObject dataset, Writer out, DicomJsonOptions options) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            object(g, dataset, options, "");
        }
    }

    private static void object(JsonGenerator g, DicomObject ds, DicomJsonOptions o, String path) throws IOException {
        g.writeStartObject();
        for (DicomElement e : ds) {
            String key = String.format("%08X", e.tag());
            g.writeFieldName(key);
            element(g, e, o, path.isEmpty() ? key : path + "/" + key);
        }
        g.writeEndObject();
    }

    private static void element(JsonGenerator g, DicomElement e, DicomJsonOptions o, String path) throws IOException {
        g.writeStartObject();
        VR vr = e.vr();
        // a UN of undefined length read as a sequence is a sequence in JSON, which knows no UN sequences
        g.writeStringField("vr", e.sequence().isPresent() ? "SQ" : vr.name());
        if (e.sequence().isPresent()) {
            Sequence s = e.sequence().get();
            if (!s.isEmpty()) {
                g.writeArrayFieldStart("Value");
                int i = 0;
                for (DicomObject item : s) {
                    object(g, item, o, path + "/" + i++);
                }
                g.writeEndArray();
            }
        } else if (e.encapsulated().isPresent() || e.bulkData().isPresent() || vr.isBulk()) {
            long len = e.length();
            if (e.encapsulated().isPresent()) {
                len = Long.MAX_VALUE;
            }
            if (o.bulkDataUri().isPresent() && len > o.bulkDataThreshold()) {
                g.writeStringField("BulkDataURI", o.bulkDataUri().get().apply(e, path));
            } else if (e.encapsulated().isPresent()) {
                g.writeStringField("InlineBinary", Base64.getEncoder().encodeToString(
                        encapsulatedBytes(e.encapsulated().get())));
            } else {
                byte[] b = e.bulkData().isPresent() ? e.bulkData().get().read() : e.bytes().orElse(new byte[0]);
                if (b.length > 0) {
                    g.writeStringField("InlineBinary", Base64.getEncoder().encodeToString(b));
                }
            }
        } else if (vr == VR.PN) {
            List<String> values = e.strings();
            if (!values.isEmpty()) {
                g.writeArrayFieldStart("Value");
                for (String v : values) {
                    if (v.isEmpty()) {
                        g.writeNull();
                        continue;
                    }
                    String[] parts = v.split("=", -1);
                    g.writeStartObject();
                    String[] names = {"Alphabetic", "Ideographic", "Phonetic"};
                    for (int i = 0; i < Math.min(3, parts.length); i++) {
                        if (!parts[i].isEmpty()) {
                            g.writeStringField(names[i], parts[i]);
                        }
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
        } else if (vr == VR.IS || vr == VR.DS) {
            List<String> values = e.strings();
            if (!values.isEmpty()) {
                g.writeArrayFieldStart("Value");
                for (String v : values) {
                    String t = v.strip();
                    if (t.isEmpty()) {
                        g.writeNull();
                        continue;
                    }
                    BigDecimal d = parseNumber(t);
                    if (d == null) {
                        g.writeString(t);
                    } else if (vr == VR.IS && d.scale() <= 0) {
                        g.writeNumber(d.toBigIntegerExact());
                    } else {
                        g.writeNumber(d);
                    }
                }
                g.writeEndArray();
            }
        } else if (vr == VR.AT) {
            int[] tags = e.tags();
            if (tags.length > 0) {
                g.writeArrayFieldStart("Value");
                for (int t : tags) {
                    g.writeString(String.format("%08X", t));
                }
                g.writeEndArray();
            }
        } else if (vr.isBinaryNumber()) {
            if (!e.isEmpty()) {
                g.writeArrayFieldStart("Value");
                if (vr == VR.FL || vr == VR.FD) {
                    for (double d : e.doubles()) {
                        if (Double.isFinite(d)) {
                            g.writeNumber(vr == VR.FL ? Float.toString((float) d) : Double.toString(d));
                        } else {
                            g.writeString(Double.toString(d));
                        }
                    }
                } else if (vr == VR.UV) {
                    for (long l : e.longs()) {
                        g.writeNumber(new java.math.BigInteger(Long.toUnsignedString(l)));
                    }
                } else {
                    for (long l : e.longs()) {
                        g.writeNumber(l);
                    }
                }
                g.writeEndArray();
            }
        } else {
            List<String> values = e.strings();
            if (!values.isEmpty()) {
                g.writeArrayFieldStart("Value");
                for (String v : values) {
                    if (v.isEmpty()) {
                        g.writeNull();
                    } else {
                        g.writeString(v);
                    }
                }
                g.writeEndArray();
            }
        }
        g.writeEndObject();
    }

    /** The encapsulated value as it is encoded: the offset table item and the fragment items, no delimiter. */
    private static byte[] encapsulatedBytes(EncapsulatedPixelData px) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        h.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(4 * px.basicOffsetTable().size());
        out.write(h.array());
        for (long off : px.basicOffsetTable()) {
            out.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) off)
                    .array());
        }
        for (BulkData f : px.fragments()) {
            long len = f.length() + (f.length() & 1);
            h.clear();
            h.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt((int) len);
            out.write(h.array());
            f.transferTo(out);
            if ((f.length() & 1) != 0) {
                out.write(0);
            }
        }
        return out.toByteArray();
    }

    private static BigDecimal parseNumber(String t) {
        try {
            return new BigDecimal(t.startsWith("+") ? t.substring(1) : t);
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    /**
     * Reads a DICOM JSON object. {@code BulkDataURI}s are rejected; use {@link #read(String, Function)} to resolve
     * them. Text is held as Java strings and encoded with the dataset's character set when written.
     *
     * @throws DicomParseException when the JSON is not a valid DICOM JSON object
     */
    public static DicomObject read(String json) {
        return read(json, uri -> {
            throw new DicomParseException("BulkDataURI " + uri + " given but no resolver", null, 0, null);
        });
    }

    /**
     * Reads a DICOM JSON object, resolving {@code BulkDataURI}s with {@code resolver}.
     *
     * @throws DicomParseException when the JSON is not a valid DICOM JSON object
     */
    public static DicomObject read(String json, Function<String, BulkData> resolver) {
        Objects.requireNonNull(resolver, "resolver");
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new DicomParseException("not JSON: " + e.getMessage(), null, 0, null, e);
        }
        return readObject(root, resolver, 0);
    }

    private static DicomObject readObject(JsonNode node, Function<String, BulkData> resolver, int depth) {
        if (node == null || !node.isObject()) {
            throw new DicomParseException("a DICOM JSON dataset must be an object", null, 0, null);
        }
        if (depth > MAX_DEPTH) {
            throw new DicomParseException("sequences nested deeper than " + MAX_DEPTH, null, 0, null);
        }
        DicomObject.Builder b = DicomObject.builder();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            int tag;
            try {
                tag = Tag.parse(f.getKey()).value();
            } catch (IllegalArgumentException ex) {
                throw new DicomParseException("bad tag key '" + f.getKey() + "'", null, 0, null);
            }
            b.set(readElement(tag, f.getValue(), resolver, depth));
        }
        return b.build();
    }

    private static DicomElement readElement(int tag, JsonNode n, Function<String, BulkData> resolver, int depth) {
        VR vr = VR.fromName(n.path("vr").asText("")).orElseThrow(
                () -> new DicomParseException("missing or unknown vr " + n.path("vr"), null, 0, tag));
        JsonNode value = n.get("Value");
        try {
            if (n.has("InlineBinary")) {
                byte[] bytes = Base64.getMimeDecoder().decode(n.get("InlineBinary").asText());
                return DicomElement.ofBytes(tag, vr, bytes);
            }
            if (n.has("BulkDataURI")) {
                return DicomElement.ofBulkData(tag, vr, resolver.apply(n.get("BulkDataURI").asText()));
            }
            if (vr == VR.SQ) {
                List<DicomObject> items = new ArrayList<>();
                if (value != null) {
                    for (JsonNode item : value) {
                        items.add(readObject(item, resolver, depth + 1));
                    }
                }
                return DicomElement.ofSequence(tag, new Sequence(items));
            }
            if (value == null || value.isEmpty()) {
                return vr.isText() ? DicomElement.ofStrings(tag, vr) : DicomElement.ofBytes(tag, vr, new byte[0]);
            }
            if (!value.isArray()) {
                throw new DicomParseException("Value must be an array", null, 0, tag);
            }
            if (vr == VR.PN) {
                List<String> out = new ArrayList<>();
                for (JsonNode v : value) {
                    if (v.isNull()) {
                        out.add("");
                        continue;
                    }
                    String a = v.path("Alphabetic").asText("");
                    String i = v.path("Ideographic").asText("");
                    String p = v.path("Phonetic").asText("");
                    String s = !p.isEmpty() ? a + "=" + i + "=" + p : !i.isEmpty() ? a + "=" + i : a;
                    out.add(s);
                }
                return DicomElement.ofStrings(tag, vr, out.toArray(new String[0]));
            }
            if (vr == VR.AT) {
                long[] t = new long[value.size()];
                for (int i = 0; i < t.length; i++) {
                    t[i] = Long.parseLong(value.get(i).asText(), 16);
                }
                return DicomElement.ofLongs(tag, vr, t);
            }
            if (vr.isText()) {
                List<String> out = new ArrayList<>();
                for (JsonNode v : value) {
                    if (v.isNull()) {
                        out.add("");
                    } else if (v.isNumber() && vr == VR.DS) {
                        String s = v.decimalValue().toString();
                        out.add(s.length() <= 16 ? s : DicomElement.formatDS(v.doubleValue()));
                    } else if (v.isNumber()) {
                        out.add(v.bigIntegerValue().toString());
                    } else {
                        out.add(v.asText());
                    }
                }
                return DicomElement.ofStrings(tag, vr, out.toArray(new String[0]));
            }
            if (vr == VR.FL || vr == VR.FD || vr == VR.OF || vr == VR.OD) {
                double[] d = new double[value.size()];
                for (int i = 0; i < d.length; i++) {
                    JsonNode v = value.get(i);
                    d[i] = v.isNumber() ? v.doubleValue() : Double.parseDouble(v.asText());
                }
                return DicomElement.ofDoubles(tag, vr, d);
            }
            long[] l = new long[value.size()];
            for (int i = 0; i < l.length; i++) {
                JsonNode v = value.get(i);
                l[i] = v.isBigInteger() || !v.canConvertToLong() ? v.bigIntegerValue().longValue() : v.longValue();
            }
            return DicomElement.ofLongs(tag, vr, l);
        } catch (IllegalArgumentException ex) {
            throw new DicomParseException("bad value: " + ex.getMessage(), null, 0, tag, ex);
        }
    }
}

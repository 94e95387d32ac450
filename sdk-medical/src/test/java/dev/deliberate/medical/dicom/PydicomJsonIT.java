package dev.deliberate.medical.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads every pydicom test file with the SDK and with pydicom, and compares the SDK's DICOM JSON with pydicom's
 * {@code Dataset.to_json_dict()} element by element.
 *
 * <p>Tolerated, documented pydicom differences (docs/dicom.md): pydicom replaces VR UN by the dictionary VR (the SDK
 * keeps UN as found); pydicom writes empty values in multi-valued text as "" where the SDK writes null; numbers are
 * compared by value, binary values ignoring one trailing padding byte.
 */
class PydicomJsonIT {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** Files the SDK refuses (strict) while pydicom reads them leniently; each with the reason. */
    private static final Map<String, String> STRICT_REFUSALS = Map.of(
            "MR_truncated.dcm", "Pixel Data length runs past the end of the file",
            "rtplan_truncated.dcm", "a sequence length runs past the end of the file",
            "DICOMDIR-nooffset", "the last directory record's item length runs past the end of the file");

    /** Files both reject: pydicom fails in to_json_dict on an invalid IS value; the SDK writes it as a string. */
    private static final Set<String> PYDICOM_JSON_FAILS = Set.of("badVR.dcm");

    @TempDir
    Path tmp;

    @Test
    void everyCorpusFileMatchesPydicomJson() throws Exception {
        Peers.requirePydicom();
        List<Path> files = Peers.corpus();
        assertTrue(files.size() > 90, "expected the pydicom corpus, found " + files.size() + " files");
        Map<String, JsonNode> ref = pydicom(files, false);
        List<String> problems = new ArrayList<>();
        int compared = 0;
        for (Path f : files) {
            JsonNode r = ref.get(f.toString());
            String name = f.getFileName().toString();
            DicomFile ours;
            try {
                ours = DicomReader.standard().read(f);
            } catch (DicomParseException e) {
                if (r.path("ok").asBoolean() && !STRICT_REFUSALS.containsKey(name)) {
                    problems.add(name + ": SDK refused a file pydicom reads: " + e.getMessage());
                }
                continue;
            }
            if (!r.path("ok").asBoolean()) {
                if (!PYDICOM_JSON_FAILS.contains(name)) {
                    problems.add(name + ": pydicom failed (" + r.path("error").asText() + ") but the SDK read it");
                }
                continue;
            }
            JsonNode mine = MAPPER.readTree(DicomJson.toJson(ours.dataset()));
            List<String> d = new ArrayList<>();
            compareDataset("", mine, r.get("dataset"), d);
            JsonNode myMeta = MAPPER.readTree(DicomJson.toJson(ours.fileMeta()));
            compareDataset("meta:", myMeta, r.get("meta"), d);
            for (String s : d) {
                problems.add(name + ": " + s);
            }
            compared++;
        }
        assertTrue(compared > 80, "compared only " + compared + " files");
        assertEquals(List.of(), problems.size() > 40 ? problems.subList(0, 40) : problems);
    }

    @Test
    void characterSetFilesDecodeToPydicomsStrings() throws Exception {
        Peers.requirePydicom();
        List<Path> files;
        try (var s = Files.list(Peers.CHARSET_FILES)) {
            files = s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
        }
        assertEquals(17, files.size());
        Map<String, JsonNode> ref = pydicom(files, false);
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            DicomFile ours = DicomReader.standard().read(f);
            JsonNode r = ref.get(f.toString());
            assertTrue(r.path("ok").asBoolean(), f + ": " + r.path("error").asText());
            List<String> d = new ArrayList<>();
            compareDataset("", MAPPER.readTree(DicomJson.toJson(ours.dataset())), r.get("dataset"), d);
            d.forEach(x -> problems.add(f.getFileName() + ": " + x));
            // and the PN components in particular
            JsonNode pn = r.get("dataset").path("00100010").path("Value").path(0);
            ours.dataset().getPersonName(Tags.PatientName).ifPresent(name -> {
                assertEquals(pn.path("Alphabetic").asText(""), name.alphabetic().toDicom(), f.toString());
                assertEquals(pn.path("Ideographic").asText(""), name.ideographic().toDicom(), f.toString());
                assertEquals(pn.path("Phonetic").asText(""), name.phonetic().toDicom(), f.toString());
            });
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void filesWithoutFileMetaMatchPydicomForceWhenLenient() throws Exception {
        Peers.requirePydicom();
        List<Path> files = new ArrayList<>();
        for (String n : List.of("rtstruct.dcm", "ExplVR_LitEndNoMeta.dcm", "ExplVR_BigEndNoMeta.dcm")) {
            files.add(Peers.TEST_FILES.resolve(n));
        }
        Map<String, JsonNode> ref = pydicom(files, true);
        DicomReader lenient = new DicomReader(DicomReadOptions.defaults().withAllowMissingFileMeta(true));
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            assertThrowsParse(f);
            DicomFile ours = lenient.read(f);
            List<String> d = new ArrayList<>();
            compareDataset("", MAPPER.readTree(DicomJson.toJson(ours.dataset())), ref.get(f.toString()).get("dataset"),
                    d);
            d.forEach(s -> problems.add(f.getFileName() + ": " + s));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void shiftedNoMetaFileFailsWithTypedErrorEvenWhenLenient() throws Exception {
        Peers.requirePydicomFiles();
        // no_meta.dcm starts one byte into an element; pydicom's force=True turns it into one garbage UN element
        DicomReader lenient = new DicomReader(DicomReadOptions.defaults().withAllowMissingFileMeta(true));
        DicomParseException e = org.junit.jupiter.api.Assertions.assertThrows(DicomParseException.class,
                () -> lenient.read(Peers.TEST_FILES.resolve("no_meta.dcm")));
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
        assertEquals(0, e.offset());
    }

    private static void assertThrowsParse(Path f) {
        try {
            DicomReader.standard().read(f);
        } catch (DicomParseException e) {
            assertTrue(e.getMessage().contains("DICM"), e.getMessage());
            return;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError(f + " read without file meta although leniency was off");
    }

    private Map<String, JsonNode> pydicom(List<Path> files, boolean force) throws Exception {
        Path script = tmp.resolve("pydicom_json.py");
        try (var in = getClass().getResourceAsStream("pydicom_json.py")) {
            Files.copy(in, script);
        }
        List<String> cmd = new ArrayList<>(List.of(Peers.PYTHON.toString(), script.toString()));
        if (force) {
            cmd.add("--force");
        }
        files.forEach(f -> cmd.add(f.toString()));
        Peers.Result r = Peers.run(cmd);
        assertEquals(0, r.code(), r.err());
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String line : r.out().split("\n")) {
            if (!line.isBlank()) {
                JsonNode n = MAPPER.readTree(line);
                out.put(n.get("file").asText(), n);
            }
        }
        assertEquals(files.size(), out.size(), "pydicom answered for every file");
        return out;
    }

    static void compareDataset(String path, JsonNode mine, JsonNode theirs, List<String> out) {
        Set<String> keys = new TreeSet<>();
        mine.fieldNames().forEachRemaining(keys::add);
        theirs.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            String p = path + k;
            if (!mine.has(k)) {
                out.add(p + " only in pydicom");
            } else if (!theirs.has(k)) {
                out.add(p + " only in SDK");
            } else {
                compareElement(p, mine.get(k), theirs.get(k), out);
            }
        }
    }

    private static void compareElement(String p, JsonNode a, JsonNode b, List<String> out) {
        String va = a.path("vr").asText();
        String vb = b.path("vr").asText();
        if (!va.equals(vb)) {
            if (!va.equals("UN")) {
                out.add(p + " VR " + va + " vs pydicom " + vb);
            }
            return; // pydicom replaced UN by the dictionary VR
        }
        if (va.equals("SQ")) {
            JsonNode ia = a.path("Value");
            JsonNode ib = b.path("Value");
            if (ia.size() != ib.size()) {
                out.add(p + " items " + ia.size() + " vs pydicom " + ib.size());
                return;
            }
            for (int i = 0; i < ia.size(); i++) {
                compareDataset(p + "[" + i + "]/", ia.get(i), ib.get(i), out);
            }
            return;
        }
        if (a.has("InlineBinary") || b.has("InlineBinary")) {
            byte[] x = Base64.getDecoder().decode(a.path("InlineBinary").asText(""));
            byte[] y = Base64.getDecoder().decode(b.path("InlineBinary").asText(""));
            if (!Arrays.equals(x, y) && !Arrays.equals(x, swap(y, va)) && !(Math.abs(x.length - y.length) == 1 && Arrays.equals(x, 0,
                    Math.min(x.length, y.length), y, 0, Math.min(x.length, y.length)))) {
                out.add(p + " binary differs (" + x.length + " vs " + y.length + " bytes)");
            }
            return;
        }
        List<Object> x = normalize(a.path("Value"), va);
        List<Object> y = normalize(b.path("Value"), vb);
        if (!x.equals(y)) {
            out.add(p + " " + va + " " + x + " vs pydicom " + y);
        }
    }

    /** pydicom writes big endian files' words as found; DICOM JSON (and the SDK) uses little endian. */
    private static byte[] swap(byte[] b, String vr) {
        int size = switch (vr) {
            case "OW" -> 2;
            case "OF", "OL" -> 4;
            case "OD", "OV" -> 8;
            default -> 1;
        };
        byte[] out = b.clone();
        for (int i = 0; i + size <= out.length; i += size) {
            for (int k = 0; k < size; k++) {
                out[i + k] = b[i + size - 1 - k];
            }
        }
        return out;
    }

    private static List<Object> normalize(JsonNode values, String vr) {
        boolean spacesSignificant = vr.equals("LT") || vr.equals("ST") || vr.equals("UT");
        List<Object> out = new ArrayList<>();
        for (Iterator<JsonNode> it = values.elements(); it.hasNext();) {
            JsonNode v = it.next();
            if (v.isNull()) {
                out.add("");
            } else if (v.isNumber()) {
                BigDecimal d = v.decimalValue();
                if (vr.equals("FL")) {
                    out.add(Float.toString(v.floatValue()));
                } else {
                    out.add(d.stripTrailingZeros().toPlainString());
                }
            } else if (v.isObject()) {
                Map<String, String> m = new java.util.TreeMap<>();
                v.fields().forEachRemaining(e -> {
                    if (!e.getValue().asText().isEmpty()) {
                        m.put(e.getKey(), e.getValue().asText());
                    }
                });
                out.add(m);
            } else {
                // pydicom keeps spaces around the values of a multi-valued string; in DICOM they are padding
                out.add(spacesSignificant ? v.asText() : v.asText().strip());
            }
        }
        while (!out.isEmpty() && "".equals(out.get(out.size() - 1)) && out.size() == 1) {
            out.remove(0);
        }
        return out;
    }
}

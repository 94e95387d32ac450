package dev.deliberate.core.profile;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.InvalidSchemaException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates a profile bundle. Every file is bounded ({@link #MAX_FILE_BYTES}, {@link #MAX_CASES},
 * {@link #MAX_EXAMPLES}), must be UTF-8, and may only name files inside the bundle; unknown keys are errors (a typo
 * must not silently disable a safety rule). Errors name file and line.
 */
final class ProfileLoader {

    static final String MANIFEST = "profile.json";
    static final int MAX_FILE_BYTES = 4 * 1024 * 1024;
    static final int MAX_CASES = 100_000;
    static final int MAX_EXAMPLES = 100;
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+(\\.\\d+)?([-+][0-9A-Za-z.-]+)?");
    private static final Set<String> TOP_KEYS = Set.of("profile", "version", "description", "systemPrompt",
            "answerSchema", "glossary", "examples", "safety", "defaults", "cascade", "council", "evaluation");
    private static final ObjectMapper JSON;

    static {
        JsonFactory f = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(MAX_FILE_BYTES).build()).build();
        JSON = JsonMapper.builder(f).build();
    }

    /** Reads a bundle file by its relative name. */
    interface Source {
        /** The file's bytes, bounded; empty when there is no such file. */
        Optional<byte[]> read(String name) throws IOException;
    }

    private ProfileLoader() {}

    static DomainProfile fromFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw Files.exists(dir) ? new java.nio.file.NotDirectoryException(dir.toString())
                    : new NoSuchFileException(dir.toString());
        }
        Path root = dir.toRealPath();
        return load(dir.toString(), name -> {
            Path p = root.resolve(name).normalize();
            if (!p.startsWith(root) || !Files.isRegularFile(p)) {
                return Optional.empty();
            }
            if (Files.size(p) > MAX_FILE_BYTES) {
                throw new ProfileException(name, 0, "file is larger than " + MAX_FILE_BYTES + " bytes");
            }
            return Optional.of(Files.readAllBytes(p));
        });
    }

    static DomainProfile fromClasspath(String folder, ClassLoader loader) {
        String base = folder.endsWith("/") ? folder : folder + "/";
        try {
            return load("classpath:" + base, name -> {
                try (InputStream in = loader.getResourceAsStream(base + name)) {
                    if (in == null) {
                        return Optional.empty();
                    }
                    byte[] b = in.readNBytes(MAX_FILE_BYTES + 1);
                    if (b.length > MAX_FILE_BYTES) {
                        throw new ProfileException(name, 0, "file is larger than " + MAX_FILE_BYTES + " bytes");
                    }
                    return Optional.of(b);
                }
            });
        } catch (IOException e) {
            throw new ProfileException(MANIFEST, 0, "cannot read the bundle " + base + ": " + e.getMessage(), e);
        }
    }

    static DomainProfile load(String where, Source source) throws IOException {
        String manifestText = text(MANIFEST, source.read(MANIFEST).orElseThrow(() -> new ProfileException(MANIFEST, 0,
                "no " + MANIFEST + " in " + where)));
        Manifest m = new Manifest(manifestText);
        m.checkKeys("", m.root, TOP_KEYS);

        String name = m.requiredText("/profile");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw m.error("/profile", "profile names are 1-64 letters, digits, '.', '_' or '-', got \"" + name + "\"");
        }
        String version = m.requiredText("/version");
        if (!VERSION.matcher(version).matches()) {
            throw m.error("/version", "version must look like 1.2 or 1.2.3, got \"" + version + "\"");
        }
        String description = m.optionalText("/description").orElse("");
        String systemPrompt = text(m.fileName("/systemPrompt"), m.file(source, "/systemPrompt"));
        if (systemPrompt.isBlank()) {
            throw new ProfileException(m.fileName("/systemPrompt"), 1, "the system prompt is empty");
        }

        AnswerFormat format = AnswerFormat.text();
        JsonNode schema = null;
        if (m.has("/answerSchema")) {
            String file = m.fileName("/answerSchema");
            schema = parseJson(file, text(file, m.file(source, "/answerSchema")));
            try {
                format = AnswerFormat.jsonSchema(schema);
            } catch (InvalidSchemaException e) {
                throw new ProfileException(file, 1, e.getMessage(), e);
            }
        }

        TreeMap<String, String> glossary = new TreeMap<>();
        if (m.has("/glossary")) {
            JsonNode g = m.node("/glossary");
            if (!g.isObject()) {
                throw m.error("/glossary", "glossary must be an object of term: meaning");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = g.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                    throw m.error("/glossary/" + e.getKey(), "the meaning of \"" + e.getKey() + "\" must be text");
                }
                glossary.put(e.getKey(), e.getValue().asText());
            }
        }

        List<FewShotExample> examples = new ArrayList<>();
        if (m.has("/examples")) {
            String file = m.fileName("/examples");
            for (JsonLine line : jsonLines(file, text(file, m.file(source, "/examples")), MAX_EXAMPLES)) {
                checkKeys(file, line, Set.of("input", "thinking", "answer"));
                String input = lineText(file, line, "input", true);
                String thinking = lineText(file, line, "thinking", false);
                JsonNode answer = line.node.get("answer");
                if (answer == null) {
                    throw new ProfileException(file, line.number, "\"answer\" is missing");
                }
                if (format instanceof AnswerFormat.Json json) {
                    List<String> errors = json.validate(answer);
                    if (!errors.isEmpty()) {
                        throw new ProfileException(file, line.number, "the example's answer does not validate "
                                + "against the answer schema: " + String.join("; ", errors));
                    }
                }
                examples.add(new FewShotExample(input, thinking, answer));
            }
        }

        SafetyRules safety = SafetyRules.none();
        if (m.has("/safety")) {
            m.checkKeys("/safety", m.node("/safety"), Set.of("requiredNonEmpty", "escalateWhen"));
            List<String> required = m.has("/safety/requiredNonEmpty") ? m.textList("/safety/requiredNonEmpty")
                    : List.of();
            for (int i = 0; i < required.size(); i++) {
                m.checkField("/safety/requiredNonEmpty/" + i, required.get(i), schema);
            }
            List<SafetyRules.EscalationRule> rules = new ArrayList<>();
            if (m.has("/safety/escalateWhen")) {
                JsonNode arr = m.node("/safety/escalateWhen");
                if (!arr.isArray()) {
                    throw m.error("/safety/escalateWhen", "escalateWhen must be an array of {\"field\", \"in\"}");
                }
                for (int i = 0; i < arr.size(); i++) {
                    String p = "/safety/escalateWhen/" + i;
                    m.checkKeys(p, arr.get(i), Set.of("field", "in"));
                    String field = m.requiredText(p + "/field");
                    m.checkField(p + "/field", field, schema);
                    JsonNode in = m.node(p + "/in");
                    if (in == null || !in.isArray() || in.isEmpty()) {
                        throw m.error(p, "\"in\" must be a non-empty array of values");
                    }
                    Set<JsonNode> values = new HashSet<>();
                    in.forEach(values::add);
                    rules.add(new SafetyRules.EscalationRule(field, values));
                }
            }
            safety = new SafetyRules(required, rules);
        }

        OptionalInt thinking = OptionalInt.empty();
        Optional<Duration> deadline = Optional.empty();
        int answerMax = 1024;
        if (m.has("/defaults")) {
            m.checkKeys("/defaults", m.node("/defaults"), Set.of("thinkingBudget", "deadline", "answerMaxTokens"));
            if (m.has("/defaults/thinkingBudget")) {
                thinking = OptionalInt.of(m.intIn("/defaults/thinkingBudget", 0, 1_000_000));
            }
            if (m.has("/defaults/deadline")) {
                deadline = Optional.of(m.duration("/defaults/deadline"));
            }
            if (m.has("/defaults/answerMaxTokens")) {
                answerMax = m.intIn("/defaults/answerMaxTokens", 1, 1_000_000);
            }
        }

        DomainProfile.CascadeSettings cascade = DomainProfile.CascadeSettings.defaults();
        if (m.has("/cascade")) {
            m.checkKeys("/cascade", m.node("/cascade"), Set.of("fastThinkingBudget", "confidenceField",
                    "minConfidence", "escalateNovel"));
            Optional<String> field = m.optionalText("/cascade/confidenceField");
            if (field.isPresent()) {
                m.checkField("/cascade/confidenceField", field.get(), schema);
            }
            cascade = new DomainProfile.CascadeSettings(
                    m.has("/cascade/fastThinkingBudget") ? m.intIn("/cascade/fastThinkingBudget", 0, 1_000_000)
                            : cascade.fastThinkingBudget(),
                    field,
                    m.has("/cascade/minConfidence") ? m.doubleIn("/cascade/minConfidence", 0, 1)
                            : cascade.minConfidence(),
                    m.has("/cascade/escalateNovel") ? m.bool("/cascade/escalateNovel") : cascade.escalateNovel());
        }

        DomainProfile.CouncilSettings council = DomainProfile.CouncilSettings.defaults();
        if (m.has("/council")) {
            m.checkKeys("/council", m.node("/council"), Set.of("quorum", "disagreementThreshold"));
            council = new DomainProfile.CouncilSettings(
                    m.has("/council/quorum") ? m.intIn("/council/quorum", 1, 100) : council.quorum(),
                    m.has("/council/disagreementThreshold") ? m.doubleIn("/council/disagreementThreshold", 0, 1)
                            : council.disagreementThreshold());
        }

        List<EvaluationCase> cases = new ArrayList<>();
        Map<String, FieldScoring> scoring = new LinkedHashMap<>();
        if (m.has("/evaluation")) {
            m.checkKeys("/evaluation", m.node("/evaluation"), Set.of("cases", "fields"));
            if (m.has("/evaluation/fields")) {
                JsonNode fields = m.node("/evaluation/fields");
                if (!fields.isObject()) {
                    throw m.error("/evaluation/fields", "fields must be an object of field: scoring");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String p = "/evaluation/fields/" + e.getKey();
                    m.checkField(p, e.getKey(), schema);
                    scoring.put(e.getKey(), m.scoring(p, e.getValue()));
                }
            }
            if (m.has("/evaluation/cases")) {
                String file = m.fileName("/evaluation/cases");
                cases.addAll(readCases(file, text(file, m.file(source, "/evaluation/cases"))));
            }
        }
        return new DomainProfile(name, version, description, systemPrompt, format, glossary, examples, safety,
                new DomainProfile.Defaults(thinking, deadline, answerMax), cascade, council,
                new DomainProfile.Evaluation(cases, scoring));
    }

    /**
     * Reads evaluation cases from JSON Lines: {@code {"id": "...", "input": "...", "expected": {...},
     * "novel": false}}, one per line; blank lines and lines starting with {@code //} are skipped. Also used for case
     * files given apart from a profile.
     */
    static List<EvaluationCase> readCases(String file, String text) {
        List<EvaluationCase> cases = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (JsonLine line : jsonLines(file, text, MAX_CASES)) {
            checkKeys(file, line, Set.of("id", "input", "expected", "novel"));
            String id = lineText(file, line, "id", true);
            Integer seen = ids.putIfAbsent(id, line.number);
            if (seen != null) {
                throw new ProfileException(file, line.number, "case id \"" + id + "\" is used twice (first on line "
                        + seen + ")");
            }
            String input = lineText(file, line, "input", true);
            JsonNode expected = line.node.get("expected");
            if (expected == null || !expected.isObject()) {
                throw new ProfileException(file, line.number, "\"expected\" must be an object of expected fields");
            }
            JsonNode novel = line.node.get("novel");
            if (novel != null && !novel.isBoolean()) {
                throw new ProfileException(file, line.number, "\"novel\" must be true or false");
            }
            cases.add(new EvaluationCase(id, input, expected, novel != null && novel.asBoolean(),
                    file + ":" + line.number));
        }
        return cases;
    }

    private record JsonLine(int number, JsonNode node) {}

    private static List<JsonLine> jsonLines(String file, String text, int max) {
        List<JsonLine> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("//")) {
                continue;
            }
            if (out.size() >= max) {
                throw new ProfileException(file, i + 1, "more than " + max + " entries");
            }
            JsonNode n;
            try {
                n = JSON.readTree(l);
            } catch (JsonProcessingException e) {
                throw new ProfileException(file, i + 1, "not JSON: " + e.getOriginalMessage(), e);
            }
            if (n == null || !n.isObject()) {
                throw new ProfileException(file, i + 1, "each line must be one JSON object");
            }
            out.add(new JsonLine(i + 1, n));
        }
        return out;
    }

    private static void checkKeys(String file, JsonLine line, Set<String> allowed) {
        line.node.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                throw new ProfileException(file, line.number, "unknown key \"" + k + "\" (allowed: "
                        + new java.util.TreeSet<>(allowed) + ")");
            }
        });
    }

    private static String lineText(String file, JsonLine line, String key, boolean required) {
        JsonNode v = line.node.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new ProfileException(file, line.number, "\"" + key + "\" is missing");
            }
            return "";
        }
        if (!v.isTextual() || (required && v.asText().isBlank())) {
            throw new ProfileException(file, line.number, "\"" + key + "\" must be non-empty text");
        }
        return v.asText();
    }

    private static JsonNode parseJson(String file, String text) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || n.isMissingNode()) {
                throw new ProfileException(file, 1, "the file is empty");
            }
            return n;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new ProfileException(file, loc == null ? 0 : loc.getLineNr(), "not JSON: " + e.getOriginalMessage(),
                    e);
        }
    }

    private static String text(String file, byte[] bytes) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
            return s.startsWith("\uFEFF") ? s.substring(1) : s;
        } catch (CharacterCodingException e) {
            throw new ProfileException(file, 0, "not UTF-8 text");
        }
    }

    /** profile.json with the line of every value, so that semantic errors name the line too. */
    private static final class Manifest {
        final JsonNode root;
        final Map<String, Integer> lines = new HashMap<>();

        Manifest(String text) {
            root = parseJson(MANIFEST, text);
            if (!root.isObject()) {
                throw new ProfileException(MANIFEST, 1, "must be a JSON object");
            }
            index(text);
        }

        /** Records the line of each value by JSON Pointer. */
        private void index(String text) {
            try (JsonParser p = JSON.getFactory().createParser(text)) {
                Deque<Object> path = new ArrayDeque<>(); // String field names and int[] array counters
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    if (t == JsonToken.FIELD_NAME) {
                        continue;
                    }
                    String pointer = pointer(path, p);
                    lines.putIfAbsent(pointer, p.currentTokenLocation().getLineNr());
                    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                        path.push(pointer);
                        if (t == JsonToken.START_ARRAY) {
                            path.push(new int[] {0});
                        }
                    } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                        if (t == JsonToken.END_ARRAY) {
                            path.pop();
                        }
                        path.pop();
                    }
                }
            } catch (IOException e) {
                // already parsed once; cannot happen
                throw new ProfileException(MANIFEST, 0, e.getMessage(), e);
            }
        }

        private static String pointer(Deque<Object> path, JsonParser p) throws IOException {
            if (path.isEmpty()) {
                return "";
            }
            Object top = path.peek();
            if (top instanceof int[] counter) {
                Iterator<Object> it = path.iterator();
                it.next();
                String parent = (String) it.next();
                JsonToken t = p.currentToken();
                if (t == JsonToken.END_ARRAY) {
                    return parent;
                }
                return parent + "/" + (counter[0]++);
            }
            if (p.currentToken() == JsonToken.END_OBJECT) {
                return (String) top;
            }
            return top + "/" + p.currentName();
        }

        int line(String pointer) {
            for (String p = pointer; ; p = p.substring(0, p.lastIndexOf('/'))) {
                Integer l = lines.get(p);
                if (l != null) {
                    return l;
                }
                if (p.isEmpty()) {
                    return 1;
                }
            }
        }

        ProfileException error(String pointer, String reason) {
            return new ProfileException(MANIFEST, line(pointer), pointer.substring(1).replace('/', '.') + ": "
                    + reason);
        }

        boolean has(String pointer) {
            JsonNode n = root.at(pointer);
            return !n.isMissingNode() && !n.isNull();
        }

        JsonNode node(String pointer) {
            JsonNode n = root.at(pointer);
            return n.isMissingNode() ? null : n;
        }

        void checkKeys(String pointer, JsonNode object, Set<String> allowed) {
            if (object == null || !object.isObject()) {
                throw error(pointer.isEmpty() ? "/" : pointer, "must be a JSON object");
            }
            object.fieldNames().forEachRemaining(k -> {
                if (!allowed.contains(k)) {
                    throw error(pointer + "/" + k, "unknown key \"" + k + "\" (allowed: "
                            + new java.util.TreeSet<>(allowed) + ")");
                }
            });
        }

        String requiredText(String pointer) {
            JsonNode n = node(pointer);
            if (n == null || n.isNull()) {
                throw error(pointer, "is missing");
            }
            if (!n.isTextual() || n.asText().isBlank()) {
                throw error(pointer, "must be non-empty text");
            }
            return n.asText();
        }

        Optional<String> optionalText(String pointer) {
            return has(pointer) ? Optional.of(requiredText(pointer)) : Optional.empty();
        }

        List<String> textList(String pointer) {
            JsonNode n = node(pointer);
            if (!n.isArray()) {
                throw error(pointer, "must be an array of text");
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n.size(); i++) {
                out.add(requiredText(pointer + "/" + i));
            }
            return out;
        }

        int intIn(String pointer, int min, int max) {
            JsonNode n = node(pointer);
            if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
                throw error(pointer, "must be a whole number from " + min + " to " + max + ", got " + n);
            }
            return n.asInt();
        }

        double doubleIn(String pointer, double min, double max) {
            JsonNode n = node(pointer);
            if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max) {
                throw error(pointer, "must be a number from " + min + " to " + max + ", got " + n);
            }
            return n.asDouble();
        }

        boolean bool(String pointer) {
            JsonNode n = node(pointer);
            if (!n.isBoolean()) {
                throw error(pointer, "must be true or false, got " + n);
            }
            return n.asBoolean();
        }

        Duration duration(String pointer) {
            String s = requiredText(pointer);
            Matcher mt = DURATION.matcher(s);
            if (!mt.matches()) {
                throw error(pointer, "must be a duration like 500ms, 20s, 2m or 1h, got \"" + s + "\"");
            }
            long v = Long.parseLong(mt.group(1));
            return switch (mt.group(2)) {
                case "ms" -> Duration.ofMillis(v);
                case "s" -> Duration.ofSeconds(v);
                case "m" -> Duration.ofMinutes(v);
                default -> Duration.ofHours(v);
            };
        }

        /** A file named at {@code pointer}: relative, inside the bundle. */
        String fileName(String pointer) {
            String f = requiredText(pointer);
            if (f.startsWith("/") || f.startsWith("\\") || f.contains("..") || f.contains(":") || f.contains("\\")) {
                throw error(pointer, "must name a file inside the bundle (relative, no '..'), got \"" + f + "\"");
            }
            return f;
        }

        byte[] file(Source source, String pointer) throws IOException {
            String f = fileName(pointer);
            return source.read(f).orElseThrow(() -> error(pointer, "names \"" + f + "\", which is not in the bundle"));
        }

        /** A field the profile names must be a top-level property of the answer schema, when there is one. */
        void checkField(String pointer, String field, JsonNode schema) {
            if (schema == null) {
                return;
            }
            JsonNode props = schema.get("properties");
            if (props == null || !props.has(field)) {
                throw error(pointer, "\"" + field + "\" is not a property of the answer schema");
            }
        }

        FieldScoring scoring(String pointer, JsonNode spec) {
            if (spec.isTextual()) {
                return switch (spec.asText()) {
                    case "exact" -> new FieldScoring.Exact();
                    case "set" -> new FieldScoring.SetOverlap();
                    default -> throw error(pointer, "scoring must be \"exact\", \"set\" or {\"numeric\": TOLERANCE}, "
                            + "got " + spec);
                };
            }
            if (spec.isObject() && spec.size() == 1 && spec.has("numeric") && spec.get("numeric").isNumber()
                    && spec.get("numeric").asDouble() >= 0) {
                return new FieldScoring.Numeric(spec.get("numeric").asDouble());
            }
            throw error(pointer, "scoring must be \"exact\", \"set\" or {\"numeric\": TOLERANCE >= 0}, got " + spec);
        }
    }
}

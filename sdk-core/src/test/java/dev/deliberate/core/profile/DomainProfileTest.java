package dev.deliberate.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ChatMessage;
import dev.deliberate.core.ReasoningRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DomainProfileTest {

    @TempDir
    Path dir;

    static final String SCHEMA = """
            {"type":"object","required":["defect","severity","size_mm"],
             "properties":{"defect":{"enum":["none","crack","burr","porosity"]},
                           "severity":{"enum":["ok","minor","critical"]},
                           "size_mm":{"type":"number","minimum":0,"maximum":100},
                           "locations":{"type":"array","items":{"type":"string"}},
                           "confidence":{"type":"number","minimum":0,"maximum":1}}}""";

    static final String MANIFEST = """
            {
              "profile": "inspection",
              "version": "1.2.0",
              "description": "Weld inspection",
              "systemPrompt": "system.md",
              "answerSchema": "answer.schema.json",
              "glossary": {"burr": "a raised edge left by machining", "porosity": "gas pockets in a weld"},
              "examples": "examples.jsonl",
              "safety": {"requiredNonEmpty": ["defect"],
                         "escalateWhen": [{"field": "severity", "in": ["critical"]}]},
              "defaults": {"thinkingBudget": 256, "deadline": "20s", "answerMaxTokens": 200},
              "cascade": {"fastThinkingBudget": 0, "confidenceField": "confidence", "minConfidence": 0.7},
              "council": {"quorum": 2, "disagreementThreshold": 0.6},
              "evaluation": {"cases": "cases.jsonl",
                             "fields": {"defect": "exact", "size_mm": {"numeric": 0.5}, "locations": "set"}}
            }
            """;

    private Path bundle(Map<String, String> overrides) throws IOException {
        Map<String, String> files = new java.util.HashMap<>(Map.of(
                "profile.json", MANIFEST,
                "system.md", "You inspect welds.\n",
                "answer.schema.json", SCHEMA,
                "examples.jsonl", "{\"input\":\"clean seam\",\"thinking\":\"no marks\",\"answer\":{\"defect\":\"none\","
                        + "\"severity\":\"ok\",\"size_mm\":0}}\n",
                "cases.jsonl", "// a comment\n{\"id\":\"c1\",\"input\":\"3 mm crack\",\"expected\":{\"defect\":\"crack\","
                        + "\"size_mm\":3}}\n\n{\"id\":\"c2\",\"input\":\"burr\",\"expected\":{\"defect\":\"burr\"},"
                        + "\"novel\":true}\n"));
        files.putAll(overrides);
        for (Map.Entry<String, String> e : files.entrySet()) {
            if (e.getValue() != null) {
                Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
            }
        }
        return dir;
    }

    private ProfileException bad(Map<String, String> overrides) throws IOException {
        Path b = bundle(overrides);
        return assertThrows(ProfileException.class, () -> DomainProfile.load(b));
    }

    @Test
    void aGoodBundleLoadsEveryPart() throws IOException {
        DomainProfile p = DomainProfile.load(bundle(Map.of()));
        assertEquals("inspection@1.2.0", p.id());
        assertTrue(p.answerFormat() instanceof AnswerFormat.Json);
        assertEquals(2, p.glossary().size());
        assertEquals(1, p.examples().size());
        assertEquals(256, p.defaults().thinkingBudget().getAsInt());
        assertEquals(Duration.ofSeconds(20), p.defaults().deadline().orElseThrow());
        assertEquals(0.7, p.cascade().minConfidence());
        assertEquals(2, p.evaluation().cases().size());
        assertTrue(p.evaluation().cases().get(1).novel());
        assertEquals("cases.jsonl:4", p.evaluation().cases().get(1).source());
        assertTrue(p.evaluation().scoring("size_mm") instanceof FieldScoring.Numeric n && n.tolerance() == 0.5);
        assertEquals(java.util.List.of("defect", "locations", "size_mm"), p.evaluation().scoredFields());
    }

    @Test
    void theRequestCarriesPromptGlossaryExamplesSchemaAndBudgets() throws IOException {
        DomainProfile p = DomainProfile.load(bundle(Map.of()));
        ReasoningRequest r = p.request("hairline crack near the seam");
        ChatMessage system = r.messages().get(0);
        assertEquals(ChatMessage.Role.SYSTEM, system.role());
        assertTrue(system.content().startsWith("You inspect welds.\n\nGlossary:\n- burr: a raised edge"),
                system.content());
        assertTrue(system.content().contains("Example 1\nInput: clean seam\nReasoning: no marks\nAnswer: "
                + "{\"defect\":\"none\""), system.content());
        assertEquals("hairline crack near the seam", r.messages().get(1).content());
        assertEquals(256, r.thinkingBudget().maxTokens());
        assertEquals(200, r.answerMaxTokens());
        assertEquals(p.answerFormat(), r.answerFormat());
    }

    @Test
    void theCouncilAndCascadeOfAProfileTakeItsSettingsBudgetsConfidenceFieldAndSafetyRules() throws IOException {
        DomainProfile p = DomainProfile.load(bundle(Map.of()));
        var options = p.councilOptions().build();
        assertEquals(2, options.quorum());
        assertEquals(0.6, options.threshold());
        // fast: confident but critical (a safety escalation); deep: safe but unsure (below minConfidence 0.7)
        var fast = dev.deliberate.core.testing.StubModel.answering("fast", "{\"defect\":\"crack\",\"severity\":"
                + "\"critical\",\"size_mm\":3,\"confidence\":0.95}", Duration.ZERO);
        var deep = dev.deliberate.core.testing.StubModel.answering("deep", "{\"defect\":\"crack\",\"severity\":"
                + "\"minor\",\"size_mm\":3,\"confidence\":0.5}", Duration.ZERO);
        var r = p.cascade(fast, deep).build().run(p.request("3 mm crack"));
        assertFalse(r.resolved());
        assertEquals(java.util.List.of("safety: severity is \"critical\"",
                "confidence /confidence = 0.5 is below 0.7"), r.path().stream().map(x -> x.reason().orElseThrow()).toList());
        assertEquals(0, fast.requests().get(0).thinkingBudget().maxTokens(), "cascade.fastThinkingBudget");
        assertEquals(256, deep.requests().get(0).thinkingBudget().maxTokens(), "the profile's default budget");
        assertEquals(java.util.Optional.of(Duration.ofSeconds(20)), deep.requests().get(0).thinkingBudget().timeout());
        var sure = dev.deliberate.core.testing.StubModel.answering("deep", "{\"defect\":\"crack\",\"severity\":"
                + "\"minor\",\"size_mm\":3,\"confidence\":0.9}", Duration.ZERO);
        var ok = p.cascade(fast, sure).build().run(p.request("3 mm crack"));
        assertTrue(ok.resolved());
        assertEquals(java.util.Optional.of("deep"), ok.decidedBy());
    }

    @Test
    void safetyRulesFlagEmptyFieldsAndEscalatingValues() throws IOException {
        SafetyRules s = DomainProfile.load(bundle(Map.of())).safety();
        ObjectMapper m = new ObjectMapper();
        assertTrue(s.judge(m.readTree("{\"defect\":\"crack\",\"severity\":\"minor\"}")).passes());
        var critical = s.judge(m.readTree("{\"defect\":\"crack\",\"severity\":\"critical\"}"));
        assertEquals(java.util.List.of("severity is \"critical\""), critical.escalations());
        var empty = s.judge(m.readTree("{\"defect\":\"\",\"severity\":\"ok\"}"));
        assertEquals(java.util.List.of("defect must not be empty"), empty.violations());
    }

    @Test
    void loadsFromTheClasspathToo() {
        DomainProfile p = DomainProfile.fromClasspath("profiles/minimal", getClass().getClassLoader());
        assertEquals("minimal@0.1", p.id());
        assertTrue(p.answerFormat() instanceof AnswerFormat.Text);
    }

    @Test
    void missingManifestIsNamed() throws IOException {
        bundle(Map.of());
        Files.delete(dir.resolve("profile.json"));
        ProfileException e = assertThrows(ProfileException.class, () -> DomainProfile.load(dir));
        assertTrue(e.getMessage().startsWith("profile.json: no profile.json in "), e.getMessage());
    }

    @Test
    void syntaxErrorsNameTheLine() throws IOException {
        ProfileException e = bad(Map.of("profile.json", MANIFEST.replace("\"Weld inspection\",", "\"Weld inspection\"")));
        assertEquals("profile.json", e.file());
        assertEquals(5, e.line().getAsInt(), e.getMessage());
    }

    @Test
    void unknownKeysAreErrorsWithTheirLineSoATypoCannotDisableARule() throws IOException {
        ProfileException e = bad(Map.of("profile.json", MANIFEST.replace("\"escalateWhen\"", "\"escalateWhenn\"")));
        assertEquals("profile.json:10: safety.escalateWhenn: unknown key \"escalateWhenn\" (allowed: [escalateWhen, "
                + "requiredNonEmpty])", e.getMessage());
    }

    @Test
    void fieldsNotInTheSchemaAreNamedWithTheirLine() throws IOException {
        ProfileException e = bad(Map.of("profile.json", MANIFEST.replace("{\"field\": \"severity\"",
                "{\"field\": \"sevrity\"")));
        assertEquals("profile.json:10: safety.escalateWhen.0.field: \"sevrity\" is not a property of the answer "
                + "schema", e.getMessage());
    }

    @Test
    void badValuesNameTheirLine() throws IOException {
        assertEquals("profile.json:11: defaults.deadline: must be a duration like 500ms, 20s, 2m or 1h, got \"soon\"",
                bad(Map.of("profile.json", MANIFEST.replace("\"20s\"", "\"soon\""))).getMessage());
        assertEquals("profile.json:3: version: version must look like 1.2 or 1.2.3, got \"latest\"",
                bad(Map.of("profile.json", MANIFEST.replace("\"1.2.0\"", "\"latest\""))).getMessage());
        assertEquals("profile.json:13: council.disagreementThreshold: must be a number from 0.0 to 1.0, got 1.5",
                bad(Map.of("profile.json", MANIFEST.replace("0.6}", "1.5}"))).getMessage());
    }

    @Test
    void filesOutsideTheBundleOrMissingAreRefused() throws IOException {
        assertEquals("profile.json:5: systemPrompt: must name a file inside the bundle (relative, no '..'), got "
                + "\"../etc/passwd\"", bad(Map.of("profile.json", MANIFEST.replace("\"system.md\"",
                        "\"../etc/passwd\""))).getMessage());
        assertEquals("profile.json:5: systemPrompt: names \"prompt.md\", which is not in the bundle",
                bad(Map.of("profile.json", MANIFEST.replace("\"system.md\"", "\"prompt.md\""))).getMessage());
    }

    @Test
    void anInvalidSchemaIsNamed() throws IOException {
        ProfileException e = bad(Map.of("answer.schema.json", "{\"type\": \"objekt\"}"));
        assertEquals("answer.schema.json", e.file());
        assertTrue(e.getMessage().contains("not a valid JSON Schema"), e.getMessage());
    }

    @Test
    void anExampleWhoseAnswerDoesNotValidateIsNamedByLine() throws IOException {
        ProfileException e = bad(Map.of("examples.jsonl", "\n{\"input\":\"x\",\"answer\":{\"defect\":\"dent\"}}\n"));
        assertTrue(e.getMessage().startsWith("examples.jsonl:2: the example's answer does not validate against the "
                + "answer schema: "), e.getMessage());
    }

    @Test
    void caseFileErrorsNameTheLine() throws IOException {
        assertEquals("cases.jsonl:2: case id \"a\" is used twice (first on line 1)", bad(Map.of("cases.jsonl",
                "{\"id\":\"a\",\"input\":\"x\",\"expected\":{}}\n{\"id\":\"a\",\"input\":\"y\",\"expected\":{}}\n"))
                .getMessage());
        assertEquals("cases.jsonl:1: not JSON: Unexpected end-of-input: expected close marker for Object (start "
                + "marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, "
                + "column: 1])", bad(Map.of("cases.jsonl", "{\"id\":\"a\"\n")).getMessage());
        assertEquals("cases.jsonl:1: \"expected\" must be an object of expected fields",
                bad(Map.of("cases.jsonl", "{\"id\":\"a\",\"input\":\"x\",\"expected\":3}\n")).getMessage());
        assertEquals("cases.jsonl:1: unknown key \"expect\" (allowed: [expected, id, input, novel])",
                bad(Map.of("cases.jsonl", "{\"id\":\"a\",\"input\":\"x\",\"expect\":{}}\n")).getMessage());
    }

    @Test
    void nonUtf8FilesAreRefused() throws IOException {
        Path b = bundle(Map.of());
        Files.write(b.resolve("system.md"), new byte[] {(byte) 0xff, (byte) 0xfe, 'x'});
        ProfileException e = assertThrows(ProfileException.class, () -> DomainProfile.load(b));
        assertEquals("system.md: not UTF-8 text", e.getMessage());
        assertFalse(e.line().isPresent());
    }
}

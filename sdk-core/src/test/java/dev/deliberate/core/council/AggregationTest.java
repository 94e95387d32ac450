package dev.deliberate.core.council;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AggregationTest {

    private static final ObjectMapper M = new ObjectMapper();

    private static List<JsonNode> answers(String... json) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String j : json) {
            out.add(M.readTree(j));
        }
        return out;
    }

    private static Optional<JsonNode> schema(String json) throws Exception {
        return Optional.of(M.readTree(json));
    }

    private static Map<String, FieldAgreement> byPath(Aggregation a) {
        return a.fields().stream().collect(Collectors.toMap(FieldAgreement::path, f -> f));
    }

    @Test
    void unanimousAnswersAgreeFullyAndAreTheConsensus() throws Exception {
        Aggregation a = Aggregation.of(answers("{\"finding\":\"fracture\",\"urgent\":true,\"size\":12}",
                "{\"finding\":\"fracture\",\"urgent\":true,\"size\":12}",
                "{\"urgent\":true,\"size\":12,\"finding\":\"fracture\"}"), Optional.empty());
        assertEquals(1.0, a.agreement(), 1e-9);
        a.fields().forEach(f -> assertEquals(1.0, f.agreement(), 1e-9, f.path()));
        assertEquals(M.readTree("{\"finding\":\"fracture\",\"urgent\":true,\"size\":12}"), a.consensus().orElseThrow());
    }

    @Test
    void splitCategoricalFieldIsTheMajorityShareAndTheMajorityWins() throws Exception {
        Aggregation a = Aggregation.of(answers("{\"urgent\":true}", "{\"urgent\":true}", "{\"urgent\":false}"),
                Optional.empty());
        assertEquals(2.0 / 3, a.agreement(), 1e-9);
        assertEquals(FieldAgreement.Kind.CATEGORICAL, byPath(a).get("/urgent").kind());
        assertEquals(M.readTree("{\"urgent\":true}"), a.consensus().orElseThrow());
    }

    @Test
    void evenSplitHasNoConsensus() throws Exception {
        Aggregation a = Aggregation.of(answers("{\"urgent\":true}", "{\"urgent\":false}"), Optional.empty());
        assertEquals(0.5, a.agreement(), 1e-9);
        assertTrue(a.consensus().isEmpty());
    }

    @Test
    void reviewWeightsBreakATie() throws Exception {
        Aggregation a = Aggregation.of(answers("{\"urgent\":true}", "{\"urgent\":false}"), List.of(0.75, 0.25),
                Optional.empty());
        assertEquals(0.5, a.agreement(), 1e-9, "weights change the consensus, not the agreement");
        assertEquals(M.readTree("{\"urgent\":true}"), a.consensus().orElseThrow());
    }

    @Test
    void numericSpreadIsRelativeToTheValueOrToTheSchemaRange() throws Exception {
        List<JsonNode> sizes = answers("{\"size\":10}", "{\"size\":12}", "{\"size\":11}");
        Aggregation noRange = Aggregation.of(sizes, Optional.empty());
        assertEquals(1 - 2.0 / 12, noRange.agreement(), 1e-9);
        assertEquals(FieldAgreement.Kind.NUMERIC, byPath(noRange).get("/size").kind());
        assertEquals(11, noRange.consensus().orElseThrow().get("size").asInt(), "the median");
        Aggregation ranged = Aggregation.of(sizes, schema("{\"type\":\"object\",\"properties\":{\"size\":"
                + "{\"type\":\"number\",\"minimum\":0,\"maximum\":100}}}"));
        assertEquals(1 - 2.0 / 100, ranged.agreement(), 1e-9);
        Aggregation far = Aggregation.of(answers("{\"p\":0}", "{\"p\":1}"), Optional.empty());
        assertEquals(0, far.agreement(), 1e-9);
    }

    @Test
    void missingFieldCountsAsDisagreeingAndIsReported() throws Exception {
        Aggregation a = Aggregation.of(answers("{\"finding\":\"mass\",\"size\":10}", "{\"finding\":\"mass\"}",
                "{\"finding\":\"mass\",\"size\":10}"), Optional.empty());
        FieldAgreement size = byPath(a).get("/size");
        assertEquals(2, size.answered());
        assertEquals(3, size.answers());
        assertEquals(2.0 / 3, size.agreement(), 1e-9);
        assertEquals(1.0, byPath(a).get("/finding").agreement(), 1e-9);
        assertEquals((1 + 2.0 / 3) / 2, a.agreement(), 1e-9);
        assertEquals(10, a.consensus().orElseThrow().get("size").asInt());
        Aggregation mostlyAbsent = Aggregation.of(answers("{\"a\":1,\"b\":true}", "{\"a\":1}", "{\"a\":1}"),
                Optional.empty());
        assertTrue(!mostlyAbsent.consensus().orElseThrow().has("b"), "a field most answers omit is left out");
    }

    @Test
    void nestedObjectsAverageTheirFieldsSoEachTopLevelFieldWeighsTheSame() throws Exception {
        Aggregation a = Aggregation.of(answers(
                "{\"lesion\":{\"site\":\"liver\",\"malignant\":true},\"followUp\":true}",
                "{\"lesion\":{\"site\":\"liver\",\"malignant\":false},\"followUp\":true}"), Optional.empty());
        Map<String, FieldAgreement> f = byPath(a);
        assertEquals(1.0, f.get("/lesion/site").agreement(), 1e-9);
        assertEquals(0.5, f.get("/lesion/malignant").agreement(), 1e-9);
        assertEquals(((1 + 0.5) / 2 + 1) / 2, a.agreement(), 1e-9);
        assertTrue(a.consensus().isEmpty(), "malignant is an even split");
    }

    @Test
    void scalarArraysAreSetsComparedByJaccard() throws Exception {
        Aggregation a = Aggregation.of(answers("{\"labels\":[\"a\",\"b\"]}", "{\"labels\":[\"b\",\"a\"]}",
                "{\"labels\":[\"a\",\"c\"]}"), Optional.empty());
        FieldAgreement f = byPath(a).get("/labels");
        assertEquals(FieldAgreement.Kind.SET, f.kind());
        assertEquals((1 + 1.0 / 3 + 1.0 / 3) / 3, f.agreement(), 1e-9);
        assertEquals(M.readTree("[\"a\",\"b\"]"), a.consensus().orElseThrow().get("labels"),
                "items a majority named");
    }

    @Test
    void freeTextFieldsAreReportedButNotCountedOverall() throws Exception {
        Optional<JsonNode> s = schema("{\"type\":\"object\",\"properties\":{\"urgent\":{\"type\":\"boolean\"},"
                + "\"why\":{\"type\":\"string\"},\"grade\":{\"type\":\"string\",\"enum\":[\"low\",\"high\"]}}}");
        Aggregation a = Aggregation.of(answers("{\"urgent\":true,\"why\":\"bleed\",\"grade\":\"high\"}",
                "{\"urgent\":true,\"why\":\"a bleed is seen\",\"grade\":\"low\"}"), s);
        Map<String, FieldAgreement> f = byPath(a);
        assertEquals(FieldAgreement.Kind.TEXT, f.get("/why").kind());
        assertEquals(FieldAgreement.Kind.CATEGORICAL, f.get("/grade").kind());
        assertEquals((1 + 0.5) / 2, a.agreement(), 1e-9);
        assertEquals(List.of("/urgent", "/why", "/grade"), a.fields().stream().map(FieldAgreement::path).toList(),
                "schema order");
    }

    @Test
    void textAnswersCompareNormalisedWholeAnswers() {
        Aggregation a = Aggregation.ofText(List.of("Yes.", "  yes. ", "No."), List.of(1.0, 1.0, 1.0));
        assertEquals(2.0 / 3, a.agreement(), 1e-9);
        assertEquals("Yes.", a.consensus().orElseThrow().asText());
    }

    @Test
    void badInputIsRejected() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> Aggregation.of(List.of(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> Aggregation.of(answers("{}"), List.of(1.0, 2.0),
                Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> Aggregation.of(answers("{}"), List.of(0.0),
                Optional.empty()));
    }

    @Test
    void numbersBeyondDoubleRangeAreFarApartNotNaN() throws Exception {
        // a real tiny model answered with such a number: agreement was NaN and the council failed
        Aggregation a = Aggregation.of(answers("{\"c\":1e400}", "{\"c\":1}"), Optional.empty());
        assertEquals(0, a.agreement(), 1e-9);
        Aggregation same = Aggregation.of(answers("{\"c\":1e400}", "{\"c\":1e400}"), Optional.empty());
        assertEquals(1, same.agreement(), 1e-9);
        Aggregation neg = Aggregation.of(answers("{\"c\":-1e400}", "{\"c\":1e400}"), Optional.empty());
        assertEquals(0, neg.agreement(), 1e-9);
    }

    @Test
    void aSingleValueAnswerIsMeasuredAtTheRoot() throws Exception {
        Aggregation a = Aggregation.of(answers("3", "3", "4"), Optional.empty());
        assertEquals("", a.fields().get(0).path());
        assertEquals(1 - 1.0 / 4, a.agreement(), 1e-9);
    }
}

package dev.deliberate.adapt.reasoner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.profile.DomainProfile;
import dev.deliberate.core.profile.EvaluationCase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuantityTaskTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void totalWorksRunningSumsOneLineEach() {
        List<Integer> q = List.of(4, 7, 3, 5);
        assertEquals("4 7 3 5", QuantityTask.input(q));
        assertEquals("4+7=11\n11+3=14\n14+5=19\n", QuantityTask.TOTAL.thinking(q));
        assertEquals("{\"total\":19}", new TaskExample("x", QuantityTask.TOTAL, q).answerText());
    }

    @Test
    void largestWorksRunningMaximaOneLineEach() {
        List<Integer> q = List.of(4, 7, 3, 9);
        assertEquals("max(4,7)=7\nmax(7,3)=7\nmax(7,9)=9\n", QuantityTask.LARGEST.thinking(q));
        assertEquals("{\"largest\":9}", new TaskExample("x", QuantityTask.LARGEST, q).answerText());
    }

    @Test
    void tablesOutsideTheTaskAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> QuantityTask.input(List.of(4)));
        assertThrows(IllegalArgumentException.class, () -> QuantityTask.input(List.of(1, 2, 3, 4, 5, 6, 7)));
        assertThrows(IllegalArgumentException.class, () -> QuantityTask.TOTAL.thinking(List.of(4, 0)));
        assertThrows(IllegalArgumentException.class, () -> QuantityTask.TOTAL.solve(List.of(4, 10)));
        assertThrows(IllegalArgumentException.class, () -> QuantityTask.ofId("mean"));
    }

    @Test
    void answersValidateAgainstTheTasksSchema() {
        for (QuantityTask t : QuantityTask.values()) {
            for (TaskExample e : TaskDataset.generate(t, 3, 50, 10).train()) {
                assertTrue(((AnswerFormat.Json) AnswerFormat.jsonSchema(t.answerSchema())).validate(e.answer()).isEmpty(), e.toString());
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameExamplesAndHeldOutTablesAreNeverTrainedOn() {
        TaskDataset a = TaskDataset.generate(QuantityTask.TOTAL, 7, 3000, 100);
        TaskDataset b = TaskDataset.generate(QuantityTask.TOTAL, 7, 3000, 100);
        assertEquals(a, b);
        assertNotEquals(a.heldOut(), TaskDataset.generate(QuantityTask.TOTAL, 8, 3000, 100).heldOut());
        Set<List<Integer>> held = new HashSet<>();
        a.heldOut().forEach(e -> assertTrue(held.add(e.quantities()), "held-out tables are distinct"));
        a.train().forEach(e -> assertFalse(held.contains(e.quantities()), e.toString()));
        Set<Integer> lengths = new HashSet<>();
        a.train().forEach(e -> lengths.add(e.quantities().size()));
        assertEquals(Set.of(2, 3, 4, 5, 6), lengths);
    }

    @Test
    void trainingLinesAreChatExamplesWithThinking() throws Exception {
        TaskDataset data = TaskDataset.generate(QuantityTask.LARGEST, 1, 5, 2);
        data.writeTraining(dir.resolve("train.jsonl"));
        List<String> lines = Files.readAllLines(dir.resolve("train.jsonl"));
        assertEquals(5, lines.size());
        JsonNode first = JSON.readTree(lines.get(0));
        TaskExample e = data.train().get(0);
        assertEquals("system", first.at("/messages/0/role").asText());
        assertEquals("Find the largest.", first.at("/messages/0/content").asText());
        assertEquals(e.input(), first.at("/messages/1/content").asText());
        assertEquals("assistant", first.at("/messages/2/role").asText());
        assertEquals(e.thinking(), first.at("/messages/2/thinking").asText());
        assertEquals(e.answerText(), first.at("/messages/2/content").asText());
    }

    @Test
    void theProfileLoadsWithTheHeldOutSetAsItsCases() throws Exception {
        TaskDataset data = TaskDataset.generate(QuantityTask.TOTAL, 5, 10, 12);
        data.writeProfile(dir.resolve("profile"));
        DomainProfile profile = DomainProfile.load(dir.resolve("profile"));
        List<EvaluationCase> cases = profile.evaluation().cases();
        assertEquals(12, cases.size());
        for (int i = 0; i < cases.size(); i++) {
            TaskExample e = data.heldOut().get(i);
            assertEquals(e.id(), cases.get(i).id());
            assertEquals(e.input(), cases.get(i).input());
            assertEquals(e.answer(), cases.get(i).expected());
        }
        assertEquals("Add up.", profile.request("1 2").messages().get(0).content());
        List<EvaluationCase> read = EvaluationCase.readJsonLines(dir.resolve("profile/cases.jsonl"));
        assertEquals(cases.stream().map(EvaluationCase::id).toList(), read.stream().map(EvaluationCase::id).toList());
    }
}

package dev.deliberate.samples.weld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.profile.DomainProfile;
import dev.deliberate.core.profile.EvaluationCase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped adaptation data is what the generator writes, and its held-out set is really held out. */
class WeldTrainingDataTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theShippedFilesAreTheGeneratorsOutputByteForByte() throws Exception {
        DomainProfile profile = DomainProfile.load(Path.of("profile"));
        WeldTrainingData.SHIPPED.write(profile, dir);
        for (String f : List.of("train.jsonl", "heldout.jsonl", "heldout-cases.jsonl")) {
            assertEquals(Files.readString(Path.of("adapt").resolve(f)), Files.readString(dir.resolve(f)),
                    f + " differs from the generator's output: rerun the training-data command (see docs/adapting.md)");
        }
    }

    @Test
    void heldOutDescriptionsAreNeverTrainedOnAndEveryAnswerFollowsTheRules() throws Exception {
        DomainProfile profile = DomainProfile.load(Path.of("profile"));
        List<String> train = Files.readAllLines(Path.of("adapt/train.jsonl"));
        Set<String> trained = new HashSet<>();
        for (String line : train) {
            JsonNode m = JSON.readTree(line).get("messages");
            assertEquals(profile.fullSystemPrompt(), m.get(0).get("content").asText(), "the prompt eval sends");
            assertTrue(trained.add(m.get(1).get("content").asText()), "duplicate " + line);
            JsonNode answer = JSON.readTree(m.get(2).get("content").asText());
            checkRules(m.get(1).get("content").asText(), answer);
        }
        assertEquals(240, trained.size());
        List<EvaluationCase> held = EvaluationCase.readJsonLines(Path.of("adapt/heldout-cases.jsonl"));
        assertEquals(40, held.size());
        for (EvaluationCase c : held) {
            assertTrue(!trained.contains(c.input()), "held-out case in the training set: " + c.input());
            checkRules(c.input(), c.expected());
        }
        for (EvaluationCase c : profile.evaluation().cases()) {
            assertTrue(!trained.contains(c.input()), "profile case in the training set: " + c.input());
        }
    }

    @Test
    void sizesAreBounded() {
        assertThrows(IllegalArgumentException.class, () -> new WeldTrainingData(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new WeldTrainingData(5000, 1, 1));
    }

    /** An independent reading of system.md's rules, from the words of the description. */
    private static void checkRules(String text, JsonNode a) {
        String t = text.toLowerCase(java.util.Locale.ROOT);
        String defect = a.get("defect").asText();
        String expected = t.contains("crack") ? "crack" : t.contains("pore") ? "porosity"
                : t.contains("undercut") ? "undercut" : t.contains("spatter") ? "spatter" : "none";
        assertEquals(expected, defect, text);
        String sa = a.get("severity").asText() + "/" + a.get("action").asText();
        switch (defect) {
            case "crack" -> assertEquals("reject/repair", sa, text);
            case "spatter" -> assertEquals("cosmetic/clean", sa, text);
            case "none" -> assertEquals("accept/none", sa, text);
            default -> {
                java.util.regex.Matcher m = java.util.regex.Pattern
                        .compile("([0-9.]+) mm (?:pores|deep|over)").matcher(t); // the pore size or undercut depth
                assertTrue(m.find(), text);
                double size = Double.parseDouble(m.group(1));
                double limit = defect.equals("porosity") ? 1.0 : 0.5;
                boolean reject = size > limit || t.contains("cluster");
                assertEquals(reject ? "reject/repair" : "minor/monitor", sa, text);
            }
        }
    }
}

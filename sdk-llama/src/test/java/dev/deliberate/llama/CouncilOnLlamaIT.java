package dev.deliberate.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.core.audit.AuditTrail;
import dev.deliberate.core.cascade.Cascade;
import dev.deliberate.core.cascade.CascadeResult;
import dev.deliberate.core.council.Council;
import dev.deliberate.core.council.CouncilEvent;
import dev.deliberate.core.council.CouncilMember;
import dev.deliberate.core.council.CouncilOptions;
import dev.deliberate.core.council.CouncilResult;
import dev.deliberate.core.council.CouncilStage;
import dev.deliberate.core.council.MemberOutcome;
import dev.deliberate.core.testing.StubModel;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The council, cascade and audit trail over real llama.cpp: generated tiny models with different seeds as members,
 * mixed with members that are down, stall past the deadline, or never give a valid answer.
 */
class CouncilOnLlamaIT {

    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"urgent\":{\"type\":\"boolean\"},"
            + "\"confidence\":{\"type\":\"number\"}},\"required\":[\"urgent\","
            + "\"confidence\"],\"additionalProperties\":false}";

    @TempDir
    static Path dir;

    private static final List<ReasoningModel> MODELS = new ArrayList<>();

    @BeforeAll
    static void open() throws Exception {
        Path first = TestModels.tiny();
        MODELS.add(ReasoningModels.open(ModelLocator.file(first), options()));
        for (long seed : new long[] {7, 9}) {
            Path p = dir.resolve("tiny-" + seed + ".gguf");
            TestModelGenerator.of(TestModelPreset.TINY, seed).writeGguf(p);
            MODELS.add(ReasoningModels.open(ModelLocator.file(p), options()));
        }
    }

    private static ModelOptions options() {
        return ModelOptions.defaults().with(new dev.deliberate.llama.LlamaOptions(1, 2048, 0));
    }

    @AfterAll
    static void close() {
        MODELS.forEach(ReasoningModel::close);
    }

    private static ReasoningRequest request() {
        return ReasoningRequest.builder().user("Is this finding urgent?").thinkingBudget(ThinkingBudget.tokens(16))
                .answerFormat(AnswerFormat.jsonSchema(SCHEMA)).answerMaxTokens(96)
                .sampling(Sampling.defaults().withSeed(3)).build();
    }

    @Test
    void realModelsDeliberateWhileDownStalledAndInvalidMembersAreRecorded() throws Exception {
        Set<String> streamed = ConcurrentHashMap.newKeySet();
        Council council = Council.builder()
                .member("tiny-42", MODELS.get(0)).member("tiny-7", MODELS.get(1)).member("tiny-9", MODELS.get(2))
                .member(CouncilMember.of("down", StubModel.down("remote")))
                .member(CouncilMember.of("stalls", StubModel.answering("slow", "{\"urgent\":true,\"confidence\":1}",
                        Duration.ofMinutes(10))))
                .member(CouncilMember.of("invalid", StubModel.answering("bad", "{\"urgent\":\"yes\"}",
                        Duration.ZERO)))
                .options(CouncilOptions.builder().quorum(3).deadline(Duration.ofSeconds(7)).maxConcurrentLocal(2)
                        .critiqueMaxChars(24).reviewAnswerMaxTokens(256).totalThinkingTokens(120).build())
                .build();
        long t0 = System.nanoTime();
        CouncilResult r = council.deliberate(request(), e -> {
            if (e instanceof CouncilEvent.Member m && m.stage() == CouncilStage.ANSWER) {
                streamed.add(m.member());
            }
        });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 7_000 + 1_000, "kept the deadline: " + ms + " ms");
        List<MemberOutcome.Status> statuses = r.members().stream().map(MemberOutcome::status).toList();
        assertEquals(List.of(MemberOutcome.Status.ANSWERED, MemberOutcome.Status.ANSWERED,
                MemberOutcome.Status.ANSWERED, MemberOutcome.Status.FAILED, MemberOutcome.Status.TIMED_OUT,
                MemberOutcome.Status.INVALID), statuses, r.members().toString());
        assertTrue(streamed.containsAll(Set.of("tiny-42", "tiny-7", "tiny-9")), streamed.toString());
        for (MemberOutcome m : r.answered()) {
            assertEquals("qwen2", m.model().architecture());
            assertEquals(64, m.model().sha256().orElseThrow().length());
            assertTrue(m.reasoning().orElseThrow().answerJson().orElseThrow().get("urgent").isBoolean());
        }
        assertTrue(r.usage().thinkingTokens() <= 120, "shared thinking cap: " + r.usage().thinkingTokens());
        assertEquals(3, r.reviewCalls().size());
        long validReviews = r.reviewCalls().stream().filter(MemberOutcome::answered).count();
        assertEquals(validReviews * 2, r.reviews().size(), "each valid review judges the two other answers");
        assertTrue(r.agreement() >= 0 && r.agreement() <= 1);
        assertEquals(r.agreement() < r.threshold(), r.disagreement());
        assertTrue(r.fieldAgreement().stream().anyMatch(f -> f.path().equals("/urgent")));

        Path file = dir.resolve("audit.jsonl");
        try (AuditTrail audit = AuditTrail.open(file)) {
            audit.recordCouncil(request(), r);
        }
        assertTrue(AuditTrail.verify(file).valid());
    }

    @Test
    void selfConsistencyOneModelSeveralSeeds() {
        CouncilResult r = Council.builder()
                .members(CouncilMember.selfConsistency("tiny", MODELS.get(0), Sampling.defaults(), 1, 2, 3))
                .options(CouncilOptions.builder().review(false).build()).build().deliberate(request());
        assertEquals(3, r.answered().size());
        Set<String> thoughts = ConcurrentHashMap.newKeySet();
        r.answered().forEach(m -> thoughts.add(m.reasoning().orElseThrow().thinking()));
        assertTrue(thoughts.size() > 1, "different seeds think differently: " + thoughts);
    }

    @Test
    void cascadeEscalatesFromTheFastAnswerToTheCouncil() {
        Council council = Council.builder().member("tiny-7", MODELS.get(1)).member("tiny-9", MODELS.get(2))
                .options(CouncilOptions.builder().review(false).build()).build();
        CascadeResult r = Cascade.builder().fast("fast", MODELS.get(0), ThinkingBudget.none())
                .deep("deep", MODELS.get(0), ThinkingBudget.tokens(16)).council("council", council)
                .rule((req, answer) -> java.util.Optional.of("a rule says so")) // always escalates
                .build().run(request());
        assertEquals(3, r.path().size());
        assertEquals(0, r.path().get(0).usage().thinkingTokens(), "the fast step does not think");
        assertTrue(r.path().get(2).council().isPresent());
        assertTrue(r.usage().promptTokens() > r.path().get(0).usage().promptTokens());
    }
}

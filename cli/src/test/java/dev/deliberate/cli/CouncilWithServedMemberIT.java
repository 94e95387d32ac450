package dev.deliberate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.core.council.Council;
import dev.deliberate.core.council.CouncilMember;
import dev.deliberate.core.council.CouncilResult;
import dev.deliberate.core.council.MemberOutcome;
import dev.deliberate.openai.RemoteOptions;
import dev.deliberate.testmodel.TestModelGenerator;
import dev.deliberate.testmodel.TestModelPreset;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A council of a local model and a remote one: the remote member is a different tiny model behind
 * {@code deliberate serve} (a child process, real llama.cpp), reached through the OpenAI-compatible backend. Both
 * answer, both review, and every outcome names the model that produced it.
 */
class CouncilWithServedMemberIT {

    private static final String KEY = "sk-council-it-0123456789";

    @TempDir
    Path dir;

    @Test
    void localAndServedMembersAnswerReviewAndAreAggregated() throws Exception {
        Path local = dir.resolve("local.gguf");
        Path remote = dir.resolve("remote.gguf");
        TestModelGenerator.of(TestModelPreset.TINY, 42).writeGguf(local);
        TestModelGenerator.of(TestModelPreset.TINY, 7).writeGguf(remote);
        try (ServeProcess serve = ServeProcess.start(remote, KEY);
             ReasoningModel near = ReasoningModels.open(ModelLocator.file(local));
             ReasoningModel far = ReasoningModels.open(ModelLocator.parse(serve.base().toString()),
                     ModelOptions.defaults().with(RemoteOptions.defaults().withApiKey(KEY).withContextLength(2048)))) {
            Council council = Council.builder()
                    .member(CouncilMember.of("local", near))
                    .member(CouncilMember.of("served", far))
                    .build();
            ReasoningRequest request = ReasoningRequest.builder()
                    .user("Urgency of a 4 mm hyperdense focus?")
                    .thinkingBudget(ThinkingBudget.tokens(8))
                    .answerMaxTokens(48)
                    .sampling(Sampling.defaults().withSeed(3))
                    .answerFormat(AnswerFormat.jsonSchema("{\"type\":\"object\",\"required\":[\"urgency\"],"
                            + "\"properties\":{\"urgency\":{\"enum\":[\"routine\",\"urgent\",\"critical\"]}}}"))
                    .build();
            CouncilResult r = council.deliberate(request);
            assertEquals(2, r.members().size());
            for (MemberOutcome m : r.members()) {
                assertTrue(m.answered(), m.toString());
            }
            MemberOutcome served = r.members().stream().filter(m -> m.member().equals("served")).findFirst()
                    .orElseThrow();
            assertFalse(served.model().file().isPresent(), "the served member is remote: " + served.model());
            assertTrue(served.model().locator().startsWith("http://127.0.0.1:"), served.model().locator());
            assertTrue(r.agreement() >= 0 && r.agreement() <= 1);
            assertFalse(r.reviews().isEmpty(), "members reviewed each other");
        }
    }
}

package dev.deliberate.core.council;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.core.testing.StubModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class CouncilTest {

    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"urgent\":{\"type\":\"boolean\"},"
            + "\"size\":{\"type\":\"number\",\"minimum\":0,\"maximum\":100}},\"required\":[\"urgent\",\"size\"],"
            + "\"additionalProperties\":false}";
    private static final ReasoningRequest REQUEST = ReasoningRequest.builder().user("Is this urgent? How big?")
            .answerFormat(AnswerFormat.jsonSchema(SCHEMA)).build();

    /** Answers {@code answer}; in a review, agrees with the answers equal to its own. */
    static Function<ReasoningRequest, String> expert(String answer) {
        return r -> {
            if (!r.messages().get(0).content().startsWith("You review")) {
                return answer;
            }
            String user = r.messages().get(1).content();
            var schema = ((AnswerFormat.Json) r.answerFormat()).schema();
            StringBuilder sb = new StringBuilder("{");
            var it = schema.get("properties").fieldNames();
            while (it.hasNext()) {
                String label = it.next();
                int at = user.indexOf("Answer " + label + ":\n") + ("Answer " + label + ":\n").length();
                String theirs = user.substring(at, user.indexOf('\n', at));
                boolean agrees = theirs.replace(" ", "").equals(answer.replace(" ", ""));
                sb.append(sb.length() > 1 ? "," : "").append('"').append(label).append("\":{\"agrees\":")
                        .append(agrees).append(",\"critique\":\"").append(agrees ? "same" : "differs").append("\"}");
            }
            return sb.append("}").toString();
        };
    }

    static StubModel stub(String name, String answer, long millis) {
        return StubModel.answering(name, expert(answer), Duration.ofMillis(millis));
    }

    @Test
    void membersAnswerInParallelReviewAnonymouslyAndAgreementIsMeasured() {
        StubModel a = stub("a", "{\"urgent\":true,\"size\":10}", 150);
        StubModel b = stub("b", "{\"urgent\":true,\"size\":10}", 150);
        StubModel c = stub("c", "{\"urgent\":false,\"size\":12}", 150);
        Map<String, Set<CouncilStage>> seen = new ConcurrentHashMap<>();
        Council council = Council.builder().member("alpha", a).member("beta", b).member("gamma", c).build();
        long t0 = System.nanoTime();
        CouncilResult r = council.deliberate(REQUEST, e -> {
            if (e instanceof CouncilEvent.Member m) {
                seen.computeIfAbsent(m.member(), k -> ConcurrentHashMap.newKeySet()).add(m.stage());
            }
        });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2 * 150 + 250, "two stages of parallel 150 ms members took " + ms + " ms, not the sum");
        assertEquals(Set.of("alpha", "beta", "gamma"), seen.keySet(), "events name the members");
        assertEquals(Set.of(CouncilStage.ANSWER, CouncilStage.REVIEW), seen.get("alpha"));
        assertEquals(3, r.answered().size());
        assertEquals(6, r.reviews().size(), "each of three judges the two others");
        assertTrue(r.reviews().stream().filter(v -> v.subject().equals("gamma")).noneMatch(Review::agrees));
        assertTrue(r.reviews().stream().filter(v -> v.reviewer().equals("alpha") && v.subject().equals("beta"))
                .allMatch(Review::agrees), "labels are mapped back to the right members");
        for (ReasoningRequest review : a.requests().subList(1, 2)) {
            String text = review.messages().get(1).content();
            assertFalse(text.contains("beta") || text.contains("gamma"), "reviews are anonymised: " + text);
        }
        double urgent = 2.0 / 3;
        double size = 1 - 2.0 / 100 * 1; // spread 2 over range 100, all answered
        assertEquals((urgent + size) / 2, r.agreement(), 1e-9);
        assertFalse(r.disagreement(), "0.82 is above the default threshold 0.75");
    }

    @Test
    void thresholdDecidesTheDisagreementFlag() {
        CouncilResult low = Council.builder().member("a", stub("a", "{\"urgent\":true,\"size\":10}", 1))
                .member("b", stub("b", "{\"urgent\":false,\"size\":10}", 1))
                .options(CouncilOptions.builder().threshold(0.8).build()).build().deliberate(REQUEST);
        assertEquals(0.75, low.agreement(), 1e-9);
        assertTrue(low.disagreement());
        assertTrue(low.consensus().isEmpty(), "1 against 1 has no majority");
        CouncilResult high = Council.builder().member("a", stub("a", "{\"urgent\":true,\"size\":10}", 1))
                .member("b", stub("b", "{\"urgent\":false,\"size\":10}", 1))
                .options(CouncilOptions.builder().threshold(0.7).build()).build().deliberate(REQUEST);
        assertFalse(high.disagreement());
    }

    @Test
    void aMemberThatIsDownIsRecordedAndTheCouncilGoesOn() {
        CouncilResult r = Council.builder().member("up1", stub("a", "{\"urgent\":true,\"size\":5}", 1))
                .member("down", StubModel.down("d")).member("up2", stub("b", "{\"urgent\":true,\"size\":5}", 1))
                .build().deliberate(REQUEST);
        MemberOutcome down = r.members().get(1);
        assertEquals(MemberOutcome.Status.FAILED, down.status());
        assertTrue(down.error().orElseThrow().contains("BackendUnavailableException"), down.error().orElseThrow());
        assertEquals(1.0, r.agreement(), 1e-9);
        assertEquals(2, r.reviews().size());
        assertEquals("{\"urgent\":true,\"size\":5}", r.consensus().orElseThrow().toString());
    }

    @Test
    void aMemberThatStallsPastTheDeadlineIsCancelledAndTimedOut() {
        long t0 = System.nanoTime();
        CouncilResult r = Council.builder().member("quick1", stub("a", "{\"urgent\":true,\"size\":5}", 5))
                .member("stalls", stub("s", "{\"urgent\":true,\"size\":5}", 60_000))
                .member("quick2", stub("b", "{\"urgent\":true,\"size\":5}", 5))
                .options(CouncilOptions.builder().deadline(Duration.ofMillis(800)).build()).build()
                .deliberate(REQUEST);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 800 + 300, "the council kept its deadline: " + ms + " ms");
        MemberOutcome stalled = r.members().get(1);
        assertEquals(MemberOutcome.Status.TIMED_OUT, stalled.status());
        assertTrue(stalled.error().orElseThrow().contains("cancelled"), stalled.error().orElseThrow());
        assertEquals(2, r.answered().size());
    }

    @Test
    void aMemberWhoseAnswerNeverValidatesIsRecordedAsInvalid() {
        CouncilResult r = Council.builder().member("good1", stub("a", "{\"urgent\":true,\"size\":5}", 1))
                .member("bad", stub("x", "{\"urgent\":\"maybe\"}", 1))
                .member("good2", stub("b", "{\"urgent\":true,\"size\":5}", 1)).build().deliberate(REQUEST);
        assertEquals(MemberOutcome.Status.INVALID, r.members().get(1).status());
        assertTrue(r.members().get(1).error().orElseThrow().contains("validate"));
        assertEquals(2, r.answered().size());
    }

    @Test
    void aReviewerThatFailsIsRecordedAndTheOthersReviewsCount() {
        StubModel flaky = StubModel.answering("flaky", req -> {
            if (req.messages().get(0).content().startsWith("You review")) {
                throw new dev.deliberate.core.BackendUnavailableException("flaky went away");
            }
            return "{\"urgent\":true,\"size\":5}";
        }, Duration.ZERO);
        CouncilResult r = Council.builder().member("a", stub("a", "{\"urgent\":true,\"size\":5}", 1))
                .member("flaky", flaky).member("c", stub("c", "{\"urgent\":true,\"size\":5}", 1)).build()
                .deliberate(REQUEST);
        assertEquals(3, r.answered().size());
        MemberOutcome failed = r.reviewCalls().get(1);
        assertEquals("flaky", failed.member());
        assertEquals(MemberOutcome.Status.FAILED, failed.status());
        assertTrue(failed.error().orElseThrow().contains("flaky went away"));
        assertEquals(4, r.reviews().size(), "two reviewers judged two answers each");
        assertTrue(r.reviews().stream().noneMatch(v -> v.reviewer().equals("flaky")));
    }

    @Test
    void belowQuorumFailsWithWhatItGot() {
        Council council = Council.builder().member("up", stub("a", "{\"urgent\":true,\"size\":5}", 1))
                .member("down1", StubModel.down("d1")).member("down2", StubModel.down("d2")).build();
        CouncilQuorumException e = assertThrows(CouncilQuorumException.class, () -> council.deliberate(REQUEST));
        assertEquals(2, e.quorum());
        assertEquals(3, e.partial().members().size());
        assertEquals(1, e.partial().answered().size());
        assertTrue(e.getMessage().contains("down1"), e.getMessage());
        assertTrue(e.partial().consensus().isEmpty());
    }

    @Test
    void localMembersShareTheConcurrencyCap() {
        StubModel one = stub("local", "{\"urgent\":true,\"size\":5}", 60).asLocal();
        List<CouncilMember> members = CouncilMember.selfConsistency("local", one, Sampling.defaults(), 1, 2, 3, 4);
        CouncilResult r = Council.builder().members(members)
                .options(CouncilOptions.builder().maxConcurrentLocal(2).review(false).build()).build()
                .deliberate(REQUEST);
        assertEquals(4, r.answered().size());
        assertEquals(2, one.maxConcurrent(), "two local generations at a time");
        List<Long> seeds = one.requests().stream().map(q -> q.sampling().seed().getAsLong()).sorted().toList();
        assertEquals(List.of(1L, 2L, 3L, 4L), seeds, "self-consistency: one model, its own seed per member");
        assertEquals(List.of(1L, 2L, 3L, 4L), r.members().stream().map(m -> m.sampling().seed().getAsLong())
                .toList(), "each outcome records the seed it ran with");
    }

    @Test
    void totalThinkingTokensAreSplitOverStagesAndCalls() {
        StubModel a = stub("a", "{\"urgent\":true,\"size\":5}", 1);
        StubModel b = stub("b", "{\"urgent\":true,\"size\":5}", 1);
        CouncilResult r = Council.builder().member("a", a).member("b", b)
                .options(CouncilOptions.builder().totalThinkingTokens(1000).build()).build().deliberate(REQUEST);
        int answer = a.requests().get(0).thinkingBudget().maxTokens();
        int review = a.requests().get(1).thinkingBudget().maxTokens();
        assertEquals(325, answer, "65% of 1000 over two members");
        assertEquals(325, r.members().get(0).thinkingBudget().maxTokens(), "the outcome records its budget");
        assertEquals(175, review, "35% of 1000 over two reviewers");
        int total = 0;
        for (StubModel s : List.of(a, b)) {
            for (ReasoningRequest q : s.requests()) {
                total += q.thinkingBudget().maxTokens();
            }
        }
        assertTrue(total <= 1000, "the council never grants more than its total: " + total);
    }

    @Test
    void theDeadlineIsPlannedIntoEachCallsThinkingBudget() {
        StubModel a = stub("a", "{\"urgent\":true,\"size\":5}", 1);
        StubModel b = stub("b", "{\"urgent\":true,\"size\":5}", 1);
        long before = System.currentTimeMillis();
        Council.builder().member("a", a).member("b", b)
                .options(CouncilOptions.builder().deadline(Duration.ofSeconds(20)).build()).build()
                .deliberate(REQUEST.toBuilder().thinkingBudget(ThinkingBudget.tokens(4000)).build());
        ThinkingBudget first = a.requests().get(0).thinkingBudget();
        assertTrue(first.deadline().isPresent(), "stage 1 has a thinking deadline");
        long at = first.deadline().get().toEpochMilli() - before;
        assertTrue(at > 0 && at <= 20_000 * 0.65 + 50, "within stage 1's share: " + at);
        assertTrue(first.maxTokens() <= 4000, "never more than the request's own budget");
    }

    @Test
    void reviewWeightedConsensusFollowsTheAnswerOthersAgreedWith() {
        // two agree with each other on size 10, the third says 40: weights favour the pair
        CouncilResult r = Council.builder().member("a", stub("a", "{\"urgent\":true,\"size\":10}", 1))
                .member("b", stub("b", "{\"urgent\":true,\"size\":10}", 1))
                .member("c", stub("c", "{\"urgent\":false,\"size\":40}", 1))
                .options(CouncilOptions.builder().consensusRule(ConsensusRule.REVIEW_WEIGHTED).build()).build()
                .deliberate(REQUEST);
        assertEquals("{\"urgent\":true,\"size\":10}", r.consensus().orElseThrow().toString());
        assertEquals(2.0 / 6, r.reviewAgreement().orElseThrow(), 1e-9);
    }

    @Test
    void theChairSynthesisesUnderTheSameSchema() {
        StubModel chair = StubModel.answering("chair", req -> {
            String last = req.messages().get(req.messages().size() - 1).content();
            assertTrue(last.contains("Answer A") && last.contains("Overall agreement"), last);
            assertTrue(req.answerFormat() instanceof AnswerFormat.Json);
            return "{\"urgent\":true,\"size\":11}";
        }, Duration.ZERO);
        CouncilResult r = Council.builder().member("a", stub("a", "{\"urgent\":true,\"size\":10}", 1))
                .member("b", stub("b", "{\"urgent\":true,\"size\":12}", 1))
                .chair(CouncilMember.of("chair", chair)).build().deliberate(REQUEST);
        assertTrue(r.chair().orElseThrow().answered());
        assertEquals("{\"urgent\":true,\"size\":11}", r.finalAnswer().orElseThrow().toString());
        assertEquals(CouncilStage.CHAIR, r.chair().get().stage());
    }

    @Test
    void textAnswersUseTheReviewsAsAgreement() {
        ReasoningRequest text = ReasoningRequest.of("Capital of France?");
        Function<ReasoningRequest, String> says = req -> req.messages().get(0).content().startsWith("You review")
                ? "{\"A\":{\"agrees\":true,\"critique\":\"ok\"}}" : "Paris";
        CouncilResult r = Council.builder().member("a", StubModel.answering("a", says, Duration.ZERO))
                .member("b", StubModel.answering("b", says, Duration.ZERO)).build().deliberate(text);
        assertEquals(1.0, r.agreement(), 1e-9);
        assertEquals("Paris", r.consensus().orElseThrow().asText());
    }

    @Test
    void listenerFailuresDoNotBreakTheCouncilAndEventsNeverOverlap() {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        int[] inside = {0};
        boolean[] overlapped = {false};
        CouncilResult r = Council.builder().member("a", stub("a", "{\"urgent\":true,\"size\":5}", 5))
                .member("b", stub("b", "{\"urgent\":true,\"size\":5}", 5)).build().deliberate(REQUEST, e -> {
                    if (++inside[0] > 1) {
                        overlapped[0] = true;
                    }
                    order.add(e.getClass().getSimpleName());
                    inside[0]--;
                    throw new IllegalStateException("display broke");
                });
        assertFalse(overlapped[0]);
        assertEquals(2, r.answered().size());
        assertTrue(order.contains("StageStarted"));
    }

    @Test
    void badConfigurationsAreRejected() {
        StubModel s = stub("a", "{}", 1);
        assertThrows(InvalidRequestException.class, () -> Council.builder().build());
        assertThrows(InvalidRequestException.class, () -> Council.builder().member("x", s).member("x", s));
        assertThrows(InvalidRequestException.class, () -> Council.builder().member("x", s)
                .options(CouncilOptions.builder().quorum(2).build()).build());
        assertThrows(InvalidRequestException.class, () -> CouncilOptions.builder().threshold(1.5).build());
        assertThrows(InvalidRequestException.class, () -> CouncilOptions.builder().maxConcurrentLocal(0).build());
        assertThrows(InvalidRequestException.class, () -> CouncilOptions.builder().deadline(Duration.ZERO).build());
        assertThrows(InvalidRequestException.class, () -> new CouncilMember(" ", s, java.util.Optional.empty(),
                false));
    }
}

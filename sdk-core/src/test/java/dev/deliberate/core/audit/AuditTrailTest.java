package dev.deliberate.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.BackendUnavailableException;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.cascade.Cascade;
import dev.deliberate.core.council.Council;
import dev.deliberate.core.testing.StubModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTrailTest {

    @TempDir
    Path dir;

    private static final ReasoningRequest REQUEST = ReasoningRequest.builder().user("Patient John Smith: urgent?")
            .answerFormat(AnswerFormat.jsonSchema("{\"type\":\"object\",\"properties\":{\"urgent\":{\"type\":"
                    + "\"boolean\"},\"note\":{\"type\":\"string\"}},\"required\":[\"urgent\"]}"))
            .sampling(Sampling.defaults().withSeed(7)).build();

    private Path trailWithFiveRecords() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        StubModel stub = StubModel.answering("m", "{\"urgent\":true,\"note\":\"see John Smith\"}", Duration.ZERO)
                .asLocal();
        try (AuditTrail audit = AuditTrail.open(file, AuditRedactor.none(), "ward-7");
             ReasoningModel model = audit.audited(stub)) {
            model.reason(REQUEST);
            model.reason(REQUEST);
            audit.recordCouncil(REQUEST, Council.builder().member("a", stub).member("b", stub).build()
                    .deliberate(REQUEST));
            audit.recordCascade(REQUEST, Cascade.builder().fast("fast", stub).build().run(REQUEST));
        }
        return file;
    }

    private static List<String> lines(Path file) throws Exception {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private static void write(Path file, List<String> lines) throws Exception {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void anIntactTrailVerifiesAndRecordsProvenance() throws Exception {
        Path file = trailWithFiveRecords();
        AuditVerification v = AuditTrail.verify(file);
        assertTrue(v.valid(), v.message());
        assertEquals(5, v.records());
        assertEquals("ward-7", v.chain().orElseThrow());
        List<String> lines = lines(file);
        ObjectMapper m = new ObjectMapper();
        JsonNode first = m.readTree(lines.get(0));
        assertEquals("chain", first.get("kind").asText());
        assertEquals("0".repeat(64), first.get("prev").asText());
        JsonNode reason = m.readTree(lines.get(1));
        assertEquals("reason", reason.get("kind").asText());
        assertEquals("ab".repeat(32), reason.at("/data/model/sha256").asText());
        assertEquals(7, reason.at("/data/request/sampling/seed").asLong());
        assertEquals("STOP", reason.at("/data/result/finish").asText());
        assertTrue(reason.at("/data/result/usage/promptTokens").asInt() > 0);
        assertTrue(reason.at("/data/result/timings/totalMs").isNumber());
        assertEquals(first.get("hash").asText(), reason.get("prev").asText());
        JsonNode council = m.readTree(lines.get(3));
        assertEquals("council", council.get("kind").asText());
        assertEquals(2, council.at("/data/result/members").size());
        assertTrue(council.at("/data/result/agreement").isNumber());
        assertEquals(7, council.at("/data/result/members/0/sampling/seed").asLong(), "per-member seed recorded");
        assertTrue(council.at("/data/result/members/0/thinkingBudget/maxTokens").isTextual());
        assertEquals("cascade", m.readTree(lines.get(4)).get("kind").asText());
    }

    @Test
    void flippingOneByteIsCaughtAtItsLine() throws Exception {
        Path file = trailWithFiveRecords();
        byte[] bytes = Files.readAllBytes(file);
        List<String> lines = lines(file);
        int offset = lines.get(0).length() + 1 + lines.get(1).length() + 1 + 40; // inside line 3
        bytes[offset] ^= 0x01;
        Files.write(file, bytes);
        AuditVerification v = AuditTrail.verify(file);
        assertEquals(AuditVerification.Status.TAMPERED, v.status());
        assertEquals(3, v.badLine().getAsLong());
        assertEquals(2, v.records());
    }

    @Test
    void editingAValueAndItsHashConsistentlyIsStillCaughtByTheNextLink() throws Exception {
        Path file = trailWithFiveRecords();
        List<String> lines = lines(file);
        String edited = lines.get(1).replace("\"urgent\":true", "\"urgent\":false");
        String prefix = edited.substring(0, edited.lastIndexOf(",\"hash\":"));
        edited = prefix + ",\"hash\":\"" + AuditTrail.sha256(prefix.getBytes(StandardCharsets.UTF_8)) + "\"}";
        lines.set(1, edited);
        write(file, lines);
        AuditVerification v = AuditTrail.verify(file);
        assertEquals(AuditVerification.Status.TAMPERED, v.status());
        assertEquals(3, v.badLine().getAsLong(), "line 2 re-hashed, so line 3's link breaks");
    }

    @Test
    void deletingALineIsCaughtWhereTheGapIs() throws Exception {
        Path file = trailWithFiveRecords();
        List<String> lines = lines(file);
        lines.remove(2);
        write(file, lines);
        AuditVerification v = AuditTrail.verify(file);
        assertEquals(AuditVerification.Status.TAMPERED, v.status());
        assertEquals(3, v.badLine().getAsLong());
        assertTrue(v.message().contains("deleted"), v.message());
    }

    @Test
    void deletingTheFirstLineIsCaught() throws Exception {
        Path file = trailWithFiveRecords();
        List<String> lines = lines(file);
        lines.remove(0);
        write(file, lines);
        AuditVerification v = AuditTrail.verify(file);
        assertEquals(AuditVerification.Status.TAMPERED, v.status());
        assertEquals(1, v.badLine().getAsLong());
    }

    @Test
    void reorderingTwoLinesIsCaughtAtTheFirst() throws Exception {
        Path file = trailWithFiveRecords();
        List<String> lines = lines(file);
        String l2 = lines.get(1);
        lines.set(1, lines.get(3));
        lines.set(3, l2);
        write(file, lines);
        AuditVerification v = AuditTrail.verify(file);
        assertEquals(AuditVerification.Status.TAMPERED, v.status());
        assertEquals(2, v.badLine().getAsLong());
    }

    @Test
    void aTruncatedLastLineIsTornAndNoMoreIsAppended() throws Exception {
        Path file = trailWithFiveRecords();
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 30));
        AuditVerification v = AuditTrail.verify(file);
        assertEquals(AuditVerification.Status.TORN, v.status());
        assertEquals(5, v.badLine().getAsLong());
        assertEquals(4, v.records());
        AuditTrailCorruptException e = assertThrows(AuditTrailCorruptException.class, () -> AuditTrail.open(file));
        assertTrue(e.getMessage().contains("line 5"), e.getMessage());
        assertEquals(bytes.length - 30, Files.size(file), "nothing appended to a torn trail");
        // only the missing newline: still torn, never silently accepted
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        assertEquals(AuditVerification.Status.TORN, AuditTrail.verify(file).status());
    }

    @Test
    void reopeningContinuesTheChain() throws Exception {
        Path file = trailWithFiveRecords();
        try (AuditTrail audit = AuditTrail.open(file, AuditRedactor.none(), "ignored-for-existing-trails")) {
            assertEquals("ward-7", audit.chain());
            assertEquals(5, audit.records());
            audit.recordReasoningFailure(REQUEST, StubModel.down("x").info(),
                    new BackendUnavailableException("connection refused"));
            assertEquals(6, audit.records());
        }
        AuditVerification v = AuditTrail.verify(file);
        assertTrue(v.valid(), v.message());
        assertEquals(6, v.records());
        assertTrue(lines(file).get(5).contains("connection refused"));
    }

    @Test
    void concurrentWritersInOneProcessNeverInterleave() throws Exception {
        Path file = dir.resolve("busy.jsonl");
        StubModel stub = StubModel.answering("m", "{\"urgent\":true,\"note\":\"" + "x".repeat(5_000) + "\"}",
                Duration.ZERO);
        Reasoning r = stub.reason(REQUEST);
        int threads = 4;
        int each = 10;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try (AuditTrail audit = AuditTrail.open(file)) { // separate handles on one file
                    go.await();
                    for (int i = 0; i < each; i++) {
                        audit.recordReasoning(REQUEST, r);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            th.start();
            ts.add(th);
        }
        go.countDown();
        for (Thread th : ts) {
            th.join();
        }
        assertEquals(List.of(), errors);
        AuditVerification v = AuditTrail.verify(file);
        assertTrue(v.valid(), v.message());
        assertEquals(1 + threads * each, v.records());
    }

    @Test
    void twoSpellingsOfOneFileShareOneChain() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        Reasoning r = StubModel.answering("m", "{\"urgent\":true}", Duration.ZERO).reason(REQUEST);
        try (AuditTrail a = AuditTrail.open(real.resolve("t.jsonl"));
             AuditTrail b = AuditTrail.open(link.resolve("t.jsonl"))) {
            a.recordReasoning(REQUEST, r);
            b.recordReasoning(REQUEST, r);
            assertEquals(3, a.records());
        }
        assertTrue(AuditTrail.verify(real.resolve("t.jsonl")).valid());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> AuditTrail.open(dir.resolve("no/such/t.jsonl")));
    }

    @Test
    void theRedactorSeesEveryTextBeforeItIsWritten() throws Exception {
        Path file = dir.resolve("redacted.jsonl");
        StubModel stub = StubModel.answering("m", "{\"urgent\":true,\"note\":\"see John Smith\"}", Duration.ZERO);
        try (AuditTrail audit = AuditTrail.open(file, AuditRedactor.digest());
             ReasoningModel model = audit.audited(stub)) {
            model.reason(REQUEST);
        }
        String text = Files.readString(file);
        assertFalse(text.contains("John Smith"), text);
        assertTrue(text.contains("sha256:"));
        assertTrue(text.contains("\"urgent\":true"), "non-text values are kept");
        assertTrue(AuditTrail.verify(file).valid());
    }

    @Test
    void aFailedCallThroughTheAuditedModelIsRecordedAndStillFails() throws Exception {
        Path file = dir.resolve("fail.jsonl");
        try (AuditTrail audit = AuditTrail.open(file); ReasoningModel model = audit.audited(StubModel.down("d"))) {
            assertThrows(BackendUnavailableException.class, () -> model.reason(REQUEST));
            assertEquals(2, audit.records());
        }
        assertTrue(Files.readString(file).contains("BackendUnavailableException"));
    }

    @Test
    void aFileThatIsNotATrailIsTamperedAtLineOne() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "hello\n");
        AuditVerification v = AuditTrail.verify(file);
        assertEquals(AuditVerification.Status.TAMPERED, v.status());
        assertEquals(1, v.badLine().getAsLong());
        assertThrows(AuditTrailCorruptException.class, () -> AuditTrail.open(file));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> AuditTrail.verify(dir.resolve("none")));
        Path empty = Files.createFile(dir.resolve("empty.jsonl"));
        assertTrue(AuditTrail.verify(empty).valid());
    }
}

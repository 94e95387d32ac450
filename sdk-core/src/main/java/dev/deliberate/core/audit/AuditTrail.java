package dev.deliberate.core.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.InvalidRequestException;
import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningCall;
import dev.deliberate.core.ReasoningListener;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.cascade.CascadeResult;
import dev.deliberate.core.council.CouncilQuorumException;
import dev.deliberate.core.council.CouncilResult;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An append-only audit trail in a JSON Lines file: one record per reasoning call, council and cascade.
 *
 * <p>Each line is one JSON object {@code {"seq":N,"chain":NAME,"prev":HASH,"time":ISO,"kind":KIND,"data":{...},
 * "hash":HASH}}: {@code hash} is the hex SHA-256 of the line's bytes up to (not including) {@code ,"hash":}, and
 * {@code prev} is the previous line's {@code hash} (64 zeros on the first line). The first record ({@code kind}
 * {@code chain}) names the chain. Changing a byte breaks that line's hash; deleting, inserting or reordering lines
 * breaks a sequence number or a {@code prev} link; {@link #verify} names the first bad line. Removing whole lines
 * from the end cannot be seen from the file alone: keep {@link #lastHash()} elsewhere to anchor the tail.
 *
 * <p>Appends are crash-safe: each record is one {@code write} of one complete line, forced to disk before the call
 * returns; a crash mid-write leaves a last line without its newline, which {@link #verify} reports as
 * {@link AuditVerification.Status#TORN} and {@link #open} refuses to append after. Writers in one process share
 * one lock per file (two {@code open}s of the same file continue one chain, records never interleave); other
 * processes are kept out by an exclusive file lock while the trail is open.
 *
 * <pre>{@code
 * try (AuditTrail audit = AuditTrail.open(Path.of("audit.jsonl"), AuditRedactor.none());
 *      ReasoningModel model = audit.audited(ReasoningModels.open(locator))) {
 *     model.reason(request);            // one "reason" record
 *     audit.recordCouncil(request, council.deliberate(request));
 * }
 * AuditVerification v = AuditTrail.verify(Path.of("audit.jsonl"));
 * }</pre>
 */
public final class AuditTrail implements AutoCloseable {

    /** The longest line written or read. */
    public static final int MAX_LINE_BYTES = 16 << 20;

    static final String ZERO_HASH = "0".repeat(64);
    private static final Pattern TAIL = Pattern.compile(",\"hash\":\"([0-9a-f]{64})\"}$");
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(500).maxStringLength(MAX_LINE_BYTES).build());
    }

    private static final Map<Path, Shared> OPEN = new HashMap<>();

    private final Shared shared;
    private final AuditRedactor redactor;
    private boolean closed;

    /** One open file, shared by every {@link AuditTrail} of this process on it. */
    private static final class Shared {
        final Path path;
        final FileChannel channel;
        final FileLock lock;
        final String chain;
        long nextSeq;
        String lastHash;
        boolean broken;
        int refs;

        Shared(Path path, FileChannel channel, FileLock lock, String chain, long nextSeq, String lastHash) {
            this.path = path;
            this.channel = channel;
            this.lock = lock;
            this.chain = chain;
            this.nextSeq = nextSeq;
            this.lastHash = lastHash;
        }
    }

    private AuditTrail(Shared shared, AuditRedactor redactor) {
        this.shared = shared;
        this.redactor = redactor;
    }

    /** Opens (or creates) a trail that records texts as they are. */
    public static AuditTrail open(Path file) throws IOException {
        return open(file, AuditRedactor.none());
    }

    /** Opens (or creates, with a random chain name) a trail. */
    public static AuditTrail open(Path file, AuditRedactor redactor) throws IOException {
        return open(file, redactor, "chain-" + UUID.randomUUID());
    }

    /**
     * Opens a trail, creating it (its first record naming the chain {@code chainName}) when the file is missing or
     * empty. An existing trail is verified first.
     *
     * @throws AuditTrailCorruptException when the existing file does not verify (tampered or torn)
     * @throws AuditException             when another process holds the trail open
     * @throws IOException                when the file cannot be read or written
     */
    public static AuditTrail open(Path file, AuditRedactor redactor, String chainName) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(redactor, "redactor");
        Objects.requireNonNull(chainName, "chainName");
        if (chainName.isBlank() || chainName.length() > 200) {
            throw new InvalidRequestException("audit chain name must be 1 to 200 characters");
        }
        Path absolute = file.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new java.nio.file.NoSuchFileException(String.valueOf(parent), null,
                    "the audit trail's folder does not exist");
        }
        // the real folder: two spellings of one file (a symbolic link, "..") share one lock and one chain
        Path key = parent.toRealPath().resolve(absolute.getFileName());
        synchronized (OPEN) {
            Shared s = OPEN.get(key);
            if (s == null) {
                s = openShared(key, chainName);
                OPEN.put(key, s);
            }
            s.refs++;
            return new AuditTrail(s, redactor);
        }
    }

    private static Shared openShared(Path path, String chainName) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        boolean ok = false;
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                throw new AuditException("audit trail " + path + " is already open in this process under another"
                        + " name (a hard link?)", e);
            }
            if (lock == null) {
                throw new AuditException("audit trail " + path + " is open in another process");
            }
            AuditVerification v = verify(path);
            if (!v.valid()) {
                throw new AuditTrailCorruptException("audit trail " + path + " does not verify, nothing appended: "
                        + "line " + v.badLine().getAsLong() + ": " + v.message(), v);
            }
            Shared s;
            if (v.records() == 0) {
                s = new Shared(path, channel, lock, chainName, 0, ZERO_HASH);
                ObjectNode data = MAPPER.createObjectNode().put("name", chainName).put("format", 1)
                        .put("writer", "deliberate");
                append(s, "chain", data);
            } else {
                s = new Shared(path, channel, lock, v.chain().orElseThrow(), v.records(), v.lastHash().orElseThrow());
            }
            ok = true;
            return s;
        } finally {
            if (!ok) {
                channel.close();
            }
        }
    }

    /** The file. */
    public Path file() {
        return shared.path;
    }

    /** The chain's name, from its first record. */
    public String chain() {
        return shared.chain;
    }

    /** The hash of the last record written: keep it elsewhere to prove later that no record was cut off the end. */
    public String lastHash() {
        synchronized (shared) {
            return shared.lastHash;
        }
    }

    /** How many records the file holds (the chain record included). */
    public long records() {
        synchronized (shared) {
            return shared.nextSeq;
        }
    }

    /** Records one reasoning call that returned. */
    public void recordReasoning(ReasoningRequest request, Reasoning result) {
        ObjectNode data = MAPPER.createObjectNode();
        data.set("model", ResultJson.model(result.model()));
        data.set("request", ResultJson.request(request, redactor));
        data.set("result", ResultJson.reasoning(result, redactor));
        write("reason", data);
    }

    /** Records one reasoning call that failed. */
    public void recordReasoningFailure(ReasoningRequest request, ModelInfo model, Throwable error) {
        ObjectNode data = MAPPER.createObjectNode();
        data.set("model", ResultJson.model(model));
        data.set("request", ResultJson.request(request, redactor));
        data.set("error", error(error));
        write("reason", data);
    }

    /** Records one council: every member's provenance, answer or error, the reviews, agreement and consensus. */
    public void recordCouncil(ReasoningRequest request, CouncilResult result) {
        ObjectNode data = MAPPER.createObjectNode();
        data.set("request", ResultJson.request(request, redactor));
        data.set("result", ResultJson.council(result, redactor));
        write("council", data);
    }

    /** Records a council that fell below its quorum, with what it got. */
    public void recordCouncilFailure(ReasoningRequest request, CouncilQuorumException error) {
        ObjectNode data = MAPPER.createObjectNode();
        data.set("request", ResultJson.request(request, redactor));
        data.set("error", error(error));
        data.set("partial", ResultJson.council(error.partial(), redactor));
        write("council", data);
    }

    /** Records one cascade: the path, each step's result and cost, the final answer. */
    public void recordCascade(ReasoningRequest request, CascadeResult result) {
        ObjectNode data = MAPPER.createObjectNode();
        data.set("request", ResultJson.request(request, redactor));
        data.set("result", ResultJson.cascade(result, redactor));
        write("cascade", data);
    }

    /**
     * {@code model}, recording every call in this trail before the call's result is handed back (a call that
     * returned is in the trail). Closing the returned model closes {@code model}.
     */
    public ReasoningModel audited(ReasoningModel model) {
        Objects.requireNonNull(model, "model");
        return new ReasoningModel() {
            @Override
            public ModelInfo info() {
                return model.info();
            }

            @Override
            public ReasoningCall start(ReasoningRequest request, ReasoningListener listener) {
                ReasoningCall call;
                try {
                    call = model.start(request, listener);
                } catch (DeliberateException e) {
                    recordReasoningFailure(request, model.info(), e);
                    throw e;
                }
                CompletableFuture<Reasoning> recorded = call.future().handle((r, ex) -> {
                    if (ex == null) {
                        recordReasoning(request, r);
                        return r;
                    }
                    Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
                    recordReasoningFailure(request, model.info(), cause);
                    throw ex instanceof CompletionException ce ? ce : new CompletionException(ex);
                });
                return new ReasoningCall() {
                    @Override
                    public void cancel() {
                        call.cancel();
                    }

                    @Override
                    public CompletableFuture<Reasoning> future() {
                        return recorded;
                    }
                };
            }

            @Override
            public void close() {
                model.close();
            }
        };
    }

    private ObjectNode error(Throwable e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("type", e.getClass().getName());
        o.put("message", redactor.redact(AuditRedactor.Part.CRITIQUE, String.valueOf(e.getMessage())));
        return o;
    }

    private void write(String kind, ObjectNode data) {
        synchronized (this) {
            if (closed) {
                throw new AuditException("audit trail " + shared.path + " is closed");
            }
        }
        append(shared, kind, data);
    }

    private static void append(Shared s, String kind, ObjectNode data) {
        synchronized (s) {
            if (s.broken) {
                throw new AuditException("audit trail " + s.path + " may end in a torn line after a failed write;"
                        + " nothing more is appended (check it with: deliberate audit verify " + s.path + ")");
            }
            ObjectNode rec = MAPPER.createObjectNode();
            rec.put("seq", s.nextSeq);
            rec.put("chain", s.chain);
            rec.put("prev", s.lastHash);
            rec.put("time", Instant.now().toString());
            rec.put("kind", kind);
            rec.set("data", data);
            String body;
            try {
                body = MAPPER.writeValueAsString(rec);
            } catch (JsonProcessingException e) {
                throw new AuditException("cannot serialise an audit record: " + e.getOriginalMessage(), e);
            }
            String prefix = body.substring(0, body.length() - 1);
            String hash = sha256(prefix.getBytes(StandardCharsets.UTF_8));
            byte[] line = (prefix + ",\"hash\":\"" + hash + "\"}\n").getBytes(StandardCharsets.UTF_8);
            if (line.length > MAX_LINE_BYTES) {
                throw new AuditException("audit record of " + line.length + " bytes is larger than the "
                        + MAX_LINE_BYTES + "-byte line limit; nothing written");
            }
            ByteBuffer buf = ByteBuffer.wrap(line);
            try {
                while (buf.hasRemaining()) {
                    s.channel.write(buf);
                }
                s.channel.force(false);
            } catch (IOException e) {
                s.broken = true;
                throw new AuditException("cannot append to audit trail " + s.path + ": " + e.getMessage(), e);
            }
            s.nextSeq++;
            s.lastHash = hash;
        }
    }

    /** Closes this handle; the file is closed (and its lock released) when the last handle on it closes. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        synchronized (OPEN) {
            if (--shared.refs == 0) {
                OPEN.remove(shared.path);
                try {
                    shared.lock.release();
                    shared.channel.close();
                } catch (IOException e) {
                    throw new AuditException("cannot close audit trail " + shared.path + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Verifies a trail: every line's hash, sequence number, link to the previous line and chain name, and that the
     * file ends with a complete line. Reads the file once, line by line, each line bounded by
     * {@link #MAX_LINE_BYTES}. A missing or empty file is a valid trail of no records.
     *
     * @throws IOException when the file cannot be read
     */
    public static AuditVerification verify(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "audit trail not found");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            long lineNo = 0;
            long records = 0;
            String prev = ZERO_HASH;
            String chain = null;
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                line.reset();
                int b;
                boolean newline = false;
                boolean tooLong = false;
                while ((b = in.read()) >= 0) {
                    if (b == '\n') {
                        newline = true;
                        break;
                    }
                    if (line.size() >= MAX_LINE_BYTES) {
                        tooLong = true;
                        break;
                    }
                    line.write(b);
                }
                if (!newline && !tooLong && line.size() == 0) {
                    return new AuditVerification(AuditVerification.Status.VALID, records, OptionalLong.empty(),
                            records + " records, chain intact", Optional.ofNullable(chain),
                            records == 0 ? Optional.empty() : Optional.of(prev));
                }
                lineNo++;
                Optional<String> chainSoFar = Optional.ofNullable(chain);
                Optional<String> hashSoFar = records == 0 ? Optional.empty() : Optional.of(prev);
                if (tooLong) {
                    return bad(AuditVerification.Status.TAMPERED, records, lineNo, "line is longer than "
                            + MAX_LINE_BYTES + " bytes", chainSoFar, hashSoFar);
                }
                if (!newline) {
                    return bad(AuditVerification.Status.TORN, records, lineNo, "the last line is incomplete (no"
                            + " newline): a write was interrupted; the " + records
                            + " records before it verify", chainSoFar, hashSoFar);
                }
                String text;
                try {
                    text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(line.toByteArray())).toString();
                } catch (CharacterCodingException e) {
                    return bad(AuditVerification.Status.TAMPERED, records, lineNo, "not UTF-8", chainSoFar,
                            hashSoFar);
                }
                Matcher m = TAIL.matcher(text);
                if (!m.find()) {
                    return bad(AuditVerification.Status.TAMPERED, records, lineNo,
                            text.isEmpty() ? "empty line" : "no record hash at the end of the line", chainSoFar,
                            hashSoFar);
                }
                String hash = m.group(1);
                String prefix = text.substring(0, m.start());
                if (!sha256(prefix.getBytes(StandardCharsets.UTF_8)).equals(hash)) {
                    return bad(AuditVerification.Status.TAMPERED, records, lineNo,
                            "the record's hash does not match its content: the line was changed", chainSoFar,
                            hashSoFar);
                }
                JsonNode rec;
                try {
                    rec = MAPPER.readTree(text);
                } catch (JsonProcessingException e) {
                    return bad(AuditVerification.Status.TAMPERED, records, lineNo, "not a JSON object: "
                            + e.getOriginalMessage(), chainSoFar, hashSoFar);
                }
                if (rec == null || !rec.isObject() || !rec.path("seq").canConvertToLong()
                        || !rec.path("prev").isTextual() || !rec.path("chain").isTextual()
                        || !rec.path("kind").isTextual()) {
                    return bad(AuditVerification.Status.TAMPERED, records, lineNo, "not an audit record",
                            chainSoFar, hashSoFar);
                }
                long seq = rec.get("seq").asLong();
                if (seq != records) {
                    return bad(AuditVerification.Status.TAMPERED, records, lineNo, "record number " + seq
                            + " where " + records + " was expected: records were deleted, inserted or reordered",
                            chainSoFar, hashSoFar);
                }
                if (!rec.get("prev").asText().equals(prev)) {
                    return bad(AuditVerification.Status.TAMPERED, records, lineNo, "the link to the previous record"
                            + " is broken: records were deleted, inserted or reordered", chainSoFar, hashSoFar);
                }
                if (records == 0) {
                    if (!"chain".equals(rec.get("kind").asText()) || !rec.path("data").path("name").isTextual()) {
                        return bad(AuditVerification.Status.TAMPERED, records, lineNo,
                                "the first record does not name the chain", chainSoFar, hashSoFar);
                    }
                    chain = rec.get("data").get("name").asText();
                }
                if (!rec.get("chain").asText().equals(chain)) {
                    return bad(AuditVerification.Status.TAMPERED, records, lineNo, "the record belongs to chain '"
                            + rec.get("chain").asText() + "', not '" + chain + "'", chainSoFar, hashSoFar);
                }
                prev = hash;
                records++;
            }
        }
    }

    private static AuditVerification bad(AuditVerification.Status status, long records, long line, String message,
            Optional<String> chain, Optional<String> lastHash) {
        return new AuditVerification(status, records, OptionalLong.of(line), message, chain, lastHash);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

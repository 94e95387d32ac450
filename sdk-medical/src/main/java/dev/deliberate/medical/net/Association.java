package dev.deliberate.medical.net;

import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomReadOptions;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.TransferSyntax;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An established association, requester side: C-ECHO, C-STORE, C-FIND and C-MOVE as service class user, one
 * operation at a time. {@link #close()} releases it (A-RELEASE) and falls back to A-ABORT when the peer does not
 * answer. Not thread-safe: use one association per thread.
 *
 * <pre>{@code
 * var rq = AssociationRequest.of(AeTitle.of("ME"), AeTitle.of("PACS"), PresentationContexts.forFiles(files));
 * try (Association a = Association.open("pacs.local", 104, rq, AssociationOptions.defaults())) {
 *     for (Path f : files) {
 *         StoreResult r = a.store(f);
 *     }
 * }
 * }</pre>
 */
public final class Association implements AutoCloseable {
    /**
     * Reads what sending a file needs of its header: the file meta (transfer syntax) and the dataset up to its SOP
     * Instance UID (SOP Class UID (0008,0016) comes just before). Parsing on to the pixel data would cost a cold
     * {@code dicom send} of 500 files about 20 ms more for elements it never looks at.
     */
    static final DicomReader SENDING_HEADER = new DicomReader(DicomReadOptions.defaults()
            .withStopBeforeTag(Tags.SOPInstanceUID + 1));

    private final Link link;
    private final AssociationRequest request;
    private final AssociationOptions options;
    private final List<NegotiatedContext> contexts;
    private final List<RoleSelection> grantedRoles;
    private final String peerImplementationClassUid;
    private final String peerImplementationVersionName;
    private final long peerMaxPduLength;
    private final int operationsWindow;
    private int messageId;
    private boolean released;
    /** The presentation context the latest response came on (its dataset must follow on the same). */
    private int lastContext;

    private Association(Link link, AssociationRequest request, AssociationOptions options, Pdus.Associate ac) {
        this.link = link;
        this.request = request;
        this.options = options;
        this.contexts = List.copyOf(Pdus.negotiated(request, ac));
        this.grantedRoles = List.copyOf(ac.roles());
        this.peerImplementationClassUid = ac.implementationClassUid();
        this.peerImplementationVersionName = ac.implementationVersionName();
        this.peerMaxPduLength = ac.maxPduLength();
        this.operationsWindow = Pdus.window(ac.operationsInvoked(), options.maxOperations());
    }

    /**
     * How many operations this side may have outstanding at once, as negotiated (PS3.7 D.3.3.3): the smaller of
     * what {@link AssociationOptions#maxOperations()} asked and the acceptor granted; 1 (synchronous) when the
     * acceptor did not answer the window. {@link StoreScu} sends that many files before it waits for an answer.
     */
    public int operationsWindow() {
        return operationsWindow;
    }

    /**
     * Connects and negotiates.
     *
     * @throws AssociationRejectedException when the acceptor rejects the request (with its reason)
     * @throws DicomNetworkException        when the peer cannot be reached ("connection refused") or answers late
     * @throws DicomProtocolException       when the answer is not a valid A-ASSOCIATE-AC/RJ
     * @throws IOException                  on other I/O failures
     */
    public static Association open(String host, int port, AssociationRequest request, AssociationOptions options)
            throws IOException {
        return open(host, port, request, options, Optional.empty());
    }

    /**
     * Connects over TLS (JSSE) and negotiates: the handshake must finish within the ARTIM timeout, and the peer's
     * certificate must be trusted by {@code tls} (its trust managers decide; host names are not checked, as DICOM
     * nodes are identified by AE title and certificate).
     *
     * @throws DicomNetworkException when the TLS handshake fails
     */
    public static Association open(String host, int port, AssociationRequest request, AssociationOptions options,
            SSLContext tls) throws IOException {
        return open(host, port, request, options, Optional.of(tls));
    }

    private static Association open(String host, int port, AssociationRequest request, AssociationOptions options,
            Optional<SSLContext> tls) throws IOException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(options, "options");
        String where = host + ":" + port;
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), (int) options.connectTimeout().toMillis());
        } catch (ConnectException e) {
            s.close();
            throw new DicomNetworkException("connection refused by " + where + " (is a DICOM node listening there?)",
                    e);
        } catch (SocketTimeoutException e) {
            s.close();
            throw new DicomTimeoutException("no TCP connection to " + where + " within "
                    + options.connectTimeout().toMillis() + " ms");
        } catch (UnknownHostException e) {
            s.close();
            throw new DicomNetworkException("unknown host '" + host + "'", e);
        } catch (IOException e) {
            s.close();
            throw new DicomNetworkException("cannot connect to " + where + ": " + e.getMessage(), e);
        }
        if (tls.isPresent()) {
            SSLSocket ssl;
            try {
                ssl = (SSLSocket) tls.get().getSocketFactory().createSocket(s, host, port, true);
                ssl.setSoTimeout((int) options.artimTimeout().toMillis());
                ssl.startHandshake();
            } catch (IOException e) {
                s.close();
                throw new DicomNetworkException("TLS handshake with " + where + " failed: " + e.getMessage(), e);
            }
            s = ssl;
        }
        Link link = new Link(s, options.maxPduLength());
        try {
            link.send(Pdus.associateRq(request, options.maxPduLength(), options.maxOperations()));
            link.timeout((int) options.artimTimeout().toMillis(), "A-ASSOCIATE-AC from " + request.called());
            int type = link.readPdu();
            if (type == Pdus.ASSOCIATE_RJ) {
                byte[] b = link.body();
                link.close();
                throw new AssociationRejectedException(request.called() + " at " + where, b[1] & 0xFF, b[2] & 0xFF,
                        b[3] & 0xFF);
            }
            if (type != Pdus.ASSOCIATE_AC) {
                throw link.violation(new DicomProtocolException("expected A-ASSOCIATE-AC or -RJ from " + where
                        + ", got PDU type " + type, 2));
            }
            Pdus.Associate ac;
            try {
                ac = Pdus.decodeAssociate(link.body(), link.bodyLength(), true);
            } catch (DicomProtocolException e) {
                throw link.violation(e);
            }
            long peerMax = ac.maxPduLength();
            if (peerMax != 0 && peerMax < 64) {
                throw link.violation(new DicomProtocolException("peer " + where + " announces a maximum PDU length"
                        + " of " + peerMax + " bytes, too small to carry a command", 6));
            }
            long cap = options.maxSendPduLength() == 0 ? AssociationOptions.MAX_PDU_LENGTH : options.maxSendPduLength();
            link.maxSend((int) (peerMax == 0 ? cap : Math.min(peerMax, cap)));
            link.timeout((int) options.idleTimeout().toMillis(), "a DIMSE response");
            return new Association(link, request, options, ac);
        } catch (RuntimeException | IOException e) {
            link.closeQuietly();
            if (tls.isPresent() && transportFailure(e)) {
                // with TLS 1.3 a server's refusal of this side's certificate arrives after the client's handshake:
                // as an alert, a reset or a broken pipe on the first PDU, depending on timing
                throw new DicomNetworkException("TLS session with " + where + " ended before the association was "
                        + "accepted (did the peer refuse this side's certificate?): " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** A failure of the connection itself (closed, reset, broken), not an answer of the peer. */
    private static boolean transportFailure(Exception e) {
        return e instanceof AssociationAbortedException a ? a.source() == -1
                : e.getClass() == DicomNetworkException.class && e.getCause() instanceof IOException;
    }

    /** The negotiated presentation contexts, in proposal order. */
    public List<NegotiatedContext> contexts() {
        return contexts;
    }

    /** The role selections the acceptor answered. */
    public List<RoleSelection> grantedRoles() {
        return grantedRoles;
    }

    /** The request this association was opened with. */
    public AssociationRequest request() {
        return request;
    }

    /** The acceptor's maximum PDU length (0: unlimited). */
    public long peerMaxPduLength() {
        return peerMaxPduLength;
    }

    /** The PDU length this side actually sends. */
    public int sendPduLength() {
        return link.maxSend;
    }

    /** The acceptor's Implementation Class UID. */
    public String peerImplementationClassUid() {
        return peerImplementationClassUid;
    }

    /** The acceptor's Implementation Version Name (empty when it sent none). */
    public String peerImplementationVersionName() {
        return peerImplementationVersionName;
    }

    /** The first accepted context for a SOP class whose transfer syntax is one of {@code syntaxes}. */
    public Optional<NegotiatedContext> acceptedContext(String sopClass, List<String> syntaxes) {
        for (String ts : syntaxes) {
            for (NegotiatedContext c : contexts) {
                if (c.accepted() && c.abstractSyntax().equals(sopClass) && c.transferSyntax().equals(ts)) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }

    private NegotiatedContext anyAccepted(String sopClass) {
        for (NegotiatedContext c : contexts) {
            if (c.accepted() && c.abstractSyntax().equals(sopClass)) {
                return c;
            }
        }
        throw noContext(sopClass, "any transfer syntax");
    }

    private NoPresentationContextException noContext(String sopClass, String syntaxes) {
        StringBuilder why = new StringBuilder();
        for (NegotiatedContext c : contexts) {
            if (c.abstractSyntax().equals(sopClass)) {
                why.append(why.length() == 0 ? "" : "; ").append("context ").append(c.id()).append(": ")
                        .append(c.resultText()).append(c.accepted() ? " as " + c.transferSyntax() : "");
            }
        }
        return new NoPresentationContextException("no accepted presentation context for SOP class " + sopClass
                + " in " + syntaxes + " on the association with " + request.called() + " ("
                + (why.length() == 0 ? "it was not proposed" : why) + ")");
    }

    private int nextMessageId() {
        messageId = (messageId + 1) & 0xFFFF;
        if (messageId == 0) {
            messageId = 1;
        }
        return messageId;
    }

    private void ensureOpen() {
        if (released || link.isClosed()) {
            throw new DicomNetworkException("the association with " + request.called() + " is closed");
        }
    }

    /** Sends C-ECHO and returns the status. */
    public DimseStatus echo() throws IOException {
        ensureOpen();
        NegotiatedContext c = anyAccepted(Uids.VERIFICATION);
        int id = nextMessageId();
        link.sendCommand(c.id(), new Command().setUid(Command.AFFECTED_SOP_CLASS, Uids.VERIFICATION)
                .setUS(Command.COMMAND_FIELD, Command.C_ECHO_RQ).setUS(Command.MESSAGE_ID, id)
                .setUS(Command.DATASET_TYPE, Command.NO_DATASET));
        Command rsp = readResponse(Command.C_ECHO_RSP, id);
        skipDataset(rsp);
        return rsp.status();
    }

    /**
     * Sends a Part 10 file as it is: when the acceptor took the file's own transfer syntax, its dataset bytes go
     * unchanged (compressed data is never transcoded); otherwise an uncompressed file is re-encoded in explicit or
     * implicit VR little endian by {@link DicomWriter}.
     *
     * @throws NoPresentationContextException when no accepted context fits the file
     * @throws dev.deliberate.medical.dicom.DicomParseException when the file is not DICOM
     */
    public StoreResult store(Path file) throws IOException {
        ensureOpen();
        DicomFile header = SENDING_HEADER.read(file);
        return storeFile(file, sopClass(header), sopInstance(header), header.transferSyntax());
    }

    /** {@link #store(Path)} for a file whose header the caller has read already. */
    StoreResult storeFile(Path file, String sopClass, String sopInstance, TransferSyntax ts) throws IOException {
        PendingStore p = requestFile(file, sopClass, sopInstance, ts);
        return awaitStore(List.of(p)).result();
    }

    /**
     * Sends the C-STORE request of a file (as {@link #store(Path)}) without waiting for its answer: the caller keeps
     * at most {@link #operationsWindow()} outstanding and collects them with {@link #awaitStore(List)}.
     */
    PendingStore requestFile(Path file, String sopClass, String sopInstance, TransferSyntax ts) throws IOException {
        ensureOpen();
        Optional<NegotiatedContext> same = acceptedContext(sopClass, List.of(ts.uid()));
        if (same.isPresent()) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long start = datasetOffset(ch);
                long size = ch.size() - start;
                // PDVs carry even lengths; an odd deflated stream gets the NUL pad PS3.5 A.5 prescribes, any other
                // odd-length dataset is malformed and is re-encoded below
                if (start > 0 && (size % 2 == 0 || ts.deflated())) {
                    ch.position(start);
                    InputStream in = Channels.newInputStream(ch);
                    boolean pad = size % 2 != 0;
                    return request(same.get(), sopClass, sopInstance, size + (pad ? 1 : 0), out -> {
                        out.copyFrom(in);
                        if (pad) {
                            out.write(0);
                        }
                    });
                }
            }
        }
        List<String> fallback = ts.encapsulated() ? List.of(ts.uid())
                : List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(), TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid());
        NegotiatedContext c = same.or(() -> acceptedContext(sopClass, fallback))
                .orElseThrow(() -> noContext(sopClass, ts.uid() + (ts.encapsulated() ? ""
                        : " or explicit/implicit VR little endian")));
        DicomFile full = DicomReader.standard().read(file);
        return request(full.dataset(), c, sopClass, sopInstance);
    }

    /** A C-STORE request sent and not yet answered. */
    record PendingStore(int messageId, String sopClass, String sopInstance, String transferSyntax, long size) {}

    /** What {@link #awaitStore(List)} read: which outstanding request was answered, and how. */
    record AnsweredStore(PendingStore request, StoreResult result) {}

    /**
     * Reads the next C-STORE response, which must answer one of {@code outstanding} (a peer may answer outstanding
     * requests in any order, PS3.7 D.3.3.3).
     *
     * @throws DicomProtocolException (aborting) when it answers none of them
     */
    AnsweredStore awaitStore(List<PendingStore> outstanding) throws IOException {
        int[] ids = new int[outstanding.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = outstanding.get(i).messageId();
        }
        Command rsp = readResponse(Command.C_STORE_RSP, ids);
        skipDataset(rsp);
        int answered = rsp.requireUS(Command.MESSAGE_ID_RESPONDED);
        for (PendingStore p : outstanding) {
            if (p.messageId() == answered) {
                return new AnsweredStore(p, new StoreResult(p.sopClass(), p.sopInstance(), p.transferSyntax(),
                        p.size(), rsp.status()));
            }
        }
        throw new IllegalStateException("unreachable: readResponse checked message " + answered);
    }

    /**
     * Sends a dataset (e.g. a structured report made in memory) in explicit or implicit VR little endian.
     *
     * @throws NoPresentationContextException when no accepted context fits
     */
    public StoreResult store(DicomObject dataset) throws IOException {
        ensureOpen();
        String sopClass = dataset.getString(Tags.SOPClassUID).orElseThrow(
                () -> new IllegalArgumentException("dataset has no SOP Class UID (0008,0016)"));
        String sopInstance = dataset.getString(Tags.SOPInstanceUID).orElseThrow(
                () -> new IllegalArgumentException("dataset has no SOP Instance UID (0008,0018)"));
        List<String> syntaxes = List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(),
                TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid());
        NegotiatedContext c = acceptedContext(sopClass, syntaxes)
                .orElseThrow(() -> noContext(sopClass, "explicit/implicit VR little endian"));
        return store(dataset, c, sopClass, sopInstance);
    }

    private StoreResult store(DicomObject dataset, NegotiatedContext c, String sopClass, String sopInstance)
            throws IOException {
        return awaitStore(List.of(request(dataset, c, sopClass, sopInstance))).result();
    }

    private PendingStore request(DicomObject dataset, NegotiatedContext c, String sopClass, String sopInstance)
            throws IOException {
        ByteArrayOutputStream enc = new ByteArrayOutputStream();
        DicomWriter.standard().writeDataset(dataset, TransferSyntax.of(c.transferSyntax()), enc);
        return request(c, sopClass, sopInstance, enc.size(), out -> enc.writeTo(out));
    }

    private interface Body {
        void write(Link.PdvOutput out) throws IOException;
    }

    private PendingStore request(NegotiatedContext c, String sopClass, String sopInstance, long size, Body body)
            throws IOException {
        int id = nextMessageId();
        link.sendCommand(c.id(), new Command().setUid(Command.AFFECTED_SOP_CLASS, sopClass)
                .setUS(Command.COMMAND_FIELD, Command.C_STORE_RQ).setUS(Command.MESSAGE_ID, id)
                .setUS(Command.PRIORITY, 0).setUS(Command.DATASET_TYPE, 0)
                .setUid(Command.AFFECTED_SOP_INSTANCE, sopInstance), true);
        Link.PdvOutput out = link.new PdvOutput(c.id(), false);
        body.write(out);
        out.close();
        return new PendingStore(id, sopClass, sopInstance, c.transferSyntax(), size);
    }

    /**
     * Where the dataset starts in a Part 10 file whose meta group begins with its group length; -1 otherwise (the
     * caller then re-encodes).
     */
    static long datasetOffset(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return datasetOffset(ch);
        }
    }

    private static long datasetOffset(FileChannel ch) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(144).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        ch.position(0);
        while (b.hasRemaining() && ch.read(b) > 0) {
            // fill
        }
        if (b.position() < 144) {
            return -1;
        }
        if (b.get(128) != 'D' || b.get(129) != 'I' || b.get(130) != 'C' || b.get(131) != 'M'
                || b.getInt(132) != 0x00000002 || b.get(136) != 'U' || b.get(137) != 'L' || b.getShort(138) != 4) {
            return -1;
        }
        long start = 144 + (b.getInt(140) & 0xFFFFFFFFL);
        return start <= ch.size() ? start : -1;
    }

    private static String sopClass(DicomFile f) {
        // the dataset is what travels; a file meta that disagrees with it is not believed
        return f.dataset().getString(Tags.SOPClassUID)
                .or(() -> f.fileMeta().getString(Tags.MediaStorageSOPClassUID))
                .orElseThrow(() -> new IllegalArgumentException("file has no SOP Class UID"));
    }

    private static String sopInstance(DicomFile f) {
        return f.dataset().getString(Tags.SOPInstanceUID)
                .or(() -> f.fileMeta().getString(Tags.MediaStorageSOPInstanceUID))
                .orElseThrow(() -> new IllegalArgumentException("file has no SOP Instance UID"));
    }

    /**
     * Sends C-FIND and collects the matches. After {@code maxMatches} the SCU sends C-CANCEL and stops collecting.
     *
     * @param each called with every match as it arrives (may be a no-op)
     */
    public FindResult find(Query query, int maxMatches, Consumer<DicomObject> each) throws IOException {
        ensureOpen();
        if (maxMatches < 1) {
            throw new IllegalArgumentException("maxMatches must be at least 1");
        }
        NegotiatedContext c = anyAccepted(query.model().findSopClass());
        TransferSyntax ts = TransferSyntax.of(c.transferSyntax());
        int id = nextMessageId();
        link.sendCommand(c.id(), new Command().setUid(Command.AFFECTED_SOP_CLASS, query.model().findSopClass())
                .setUS(Command.COMMAND_FIELD, Command.C_FIND_RQ).setUS(Command.MESSAGE_ID, id)
                .setUS(Command.PRIORITY, 0).setUS(Command.DATASET_TYPE, 0), true);
        try (Link.PdvOutput out = link.new PdvOutput(c.id(), false)) {
            DicomWriter.standard().writeDataset(query.identifier(), ts, out);
        }
        List<DicomObject> matches = new ArrayList<>();
        boolean cancelled = false;
        while (true) {
            Command rsp = readResponse(Command.C_FIND_RSP, id);
            DimseStatus st = rsp.status();
            if (st.category() != DimseStatus.Category.PENDING) {
                skipDataset(rsp);
                return new FindResult(matches, st, cancelled);
            }
            if (rsp.hasDataset()) {
                byte[] data = link.readDatasetBytes(lastContext, DicomReadOptions.defaults().maxInflatedLength());
                if (!cancelled) {
                    DicomObject match = DicomReader.standard().readDataset(data, ts);
                    matches.add(match);
                    each.accept(match);
                }
            }
            if (!cancelled && matches.size() >= maxMatches) {
                link.sendCommand(c.id(), new Command().setUS(Command.COMMAND_FIELD, Command.C_CANCEL_RQ)
                        .setUS(Command.MESSAGE_ID_RESPONDED, id).setUS(Command.DATASET_TYPE, Command.NO_DATASET));
                cancelled = true;
            }
        }
    }

    /** {@link #find(Query, int, Consumer)} collecting at most 10,000 matches. */
    public FindResult find(Query query) throws IOException {
        return find(query, 10_000, m -> { });
    }

    /**
     * Sends C-MOVE: the peer sends the matching instances to {@code destination} (an AE it knows, possibly this
     * application's own storage SCP) and reports progress until done.
     *
     * @param identifier the keys, with Query/Retrieve Level and the unique keys down to that level
     */
    public MoveResult move(QueryModel model, AeTitle destination, DicomObject identifier) throws IOException {
        ensureOpen();
        NegotiatedContext c = anyAccepted(model.moveSopClass());
        TransferSyntax ts = TransferSyntax.of(c.transferSyntax());
        int id = nextMessageId();
        link.sendCommand(c.id(), new Command().setUid(Command.AFFECTED_SOP_CLASS, model.moveSopClass())
                .setUS(Command.COMMAND_FIELD, Command.C_MOVE_RQ).setUS(Command.MESSAGE_ID, id)
                .setUS(Command.PRIORITY, 0).setUS(Command.DATASET_TYPE, 0)
                .setString(Command.MOVE_DESTINATION, destination.value(), false), true);
        try (Link.PdvOutput out = link.new PdvOutput(c.id(), false)) {
            DicomWriter.standard().writeDataset(identifier, ts, out);
        }
        int responses = 0;
        while (true) {
            Command rsp = readResponse(Command.C_MOVE_RSP, id);
            responses++;
            skipDataset(rsp);
            DimseStatus st = rsp.status();
            if (st.category() != DimseStatus.Category.PENDING) {
                return new MoveResult(st, rsp.getUS(Command.COMPLETED).orElse(0), rsp.getUS(Command.FAILED).orElse(0),
                        rsp.getUS(Command.WARNING).orElse(0), responses);
            }
        }
    }

    /** A C-MOVE of one study (study root, STUDY level). */
    public MoveResult moveStudy(AeTitle destination, String studyInstanceUid) throws IOException {
        Uids.requireValid(studyInstanceUid, "Study Instance");
        DicomObject id = DicomObject.builder().setString(Tags.QueryRetrieveLevel, "STUDY")
                .setString(Tags.StudyInstanceUID, studyInstanceUid).build();
        return move(QueryModel.STUDY_ROOT, destination, id);
    }

    /**
     * Sends C-GET: the peer sends the matching instances back over this association as C-STORE sub-operations, which
     * are stored under {@code directory} as {@code STUDY_UID/SOP_INSTANCE_UID.dcm} (each written to a temporary file,
     * fsynced, checked to parse with the SOP Instance UID its command named, renamed into place, its folder fsynced,
     * and only then acknowledged; a failure is answered with a failure status and leaves no file). Propose the
     * association with {@link PresentationContexts#retrieveWithGet} and {@link PresentationContexts#scpRoles}.
     *
     * @param identifier the keys, with Query/Retrieve Level and the unique keys down to that level
     * @param directory  where received instances go (created)
     * @throws NoPresentationContextException when the peer did not accept the model's GET context
     */
    public GetResult get(QueryModel model, DicomObject identifier, Path directory) throws IOException {
        ensureOpen();
        Objects.requireNonNull(identifier, "identifier");
        Files.createDirectories(directory);
        NegotiatedContext c = anyAccepted(model.getSopClass());
        TransferSyntax ts = TransferSyntax.of(c.transferSyntax());
        int id = nextMessageId();
        link.sendCommand(c.id(), new Command().setUid(Command.AFFECTED_SOP_CLASS, model.getSopClass())
                .setUS(Command.COMMAND_FIELD, Command.C_GET_RQ).setUS(Command.MESSAGE_ID, id)
                .setUS(Command.PRIORITY, 0).setUS(Command.DATASET_TYPE, 0), true);
        try (Link.PdvOutput out = link.new PdvOutput(c.id(), false)) {
            DicomWriter.standard().writeDataset(identifier, ts, out);
        }
        List<Path> stored = new ArrayList<>();
        int refused = 0;
        while (true) {
            Command cmd = readCommand();
            int field = cmd.commandField();
            if (field == Command.C_STORE_RQ) {
                if (!receiveSubOperation(cmd, lastContext, directory, stored)) {
                    refused++;
                }
                continue;
            }
            if (field != Command.C_GET_RSP) {
                throw link.violation(new DicomProtocolException(String.format("expected C-GET-RSP or C-STORE-RQ "
                        + "from %s, got command 0x%04X", request.called(), field), 6));
            }
            int responded;
            try {
                responded = cmd.requireUS(Command.MESSAGE_ID_RESPONDED);
                cmd.requireUS(Command.STATUS);
            } catch (DicomProtocolException e) {
                throw link.violation(e);
            }
            if (responded != id) {
                throw link.violation(new DicomProtocolException("response to message " + responded + " where " + id
                        + " was outstanding", 6));
            }
            skipDataset(cmd);
            DimseStatus st = cmd.status();
            if (st.category() != DimseStatus.Category.PENDING) {
                return new GetResult(st, cmd.getUS(Command.COMPLETED).orElse(0), cmd.getUS(Command.FAILED).orElse(0),
                        cmd.getUS(Command.WARNING).orElse(0), stored, refused);
            }
        }
    }

    /** A C-GET of one study (study root, STUDY level) into {@code directory}. */
    public GetResult getStudy(String studyInstanceUid, Path directory) throws IOException {
        Uids.requireValid(studyInstanceUid, "Study Instance");
        DicomObject id = DicomObject.builder().setString(Tags.QueryRetrieveLevel, "STUDY")
                .setString(Tags.StudyInstanceUID, studyInstanceUid).build();
        return get(QueryModel.STUDY_ROOT, id, directory);
    }

    /** The largest dataset a C-GET sub-operation may bring (as the storage SCP's default); a longer one aborts. */
    static final long MAX_RETRIEVED_DATASET = 2L << 30;
    private static final DicomReader CHECK = new DicomReader(DicomReadOptions.defaults().withStopBeforePixels(true));

    /** Stores one C-STORE sub-operation of a C-GET and answers it; false when it was answered with a failure. */
    private boolean receiveSubOperation(Command rq, int pcid, Path directory, List<Path> stored) throws IOException {
        String sopClass = rq.getString(Command.AFFECTED_SOP_CLASS).orElse("");
        String sopInstance = rq.getString(Command.AFFECTED_SOP_INSTANCE).orElse("");
        NegotiatedContext nc = null;
        for (NegotiatedContext x : contexts) {
            if (x.id() == pcid && x.accepted()) {
                nc = x;
            }
        }
        DimseStatus status;
        if (!rq.hasDataset()) {
            status = DimseStatus.of(0xC000, "C-STORE-RQ without a dataset");
        } else if (nc == null || !nc.abstractSyntax().equals(sopClass) || !Uids.isValid(sopInstance)) {
            link.readDataset(pcid, MAX_RETRIEVED_DATASET, (x, o, l) -> { });
            status = nc == null || !nc.abstractSyntax().equals(sopClass)
                    ? DimseStatus.of(0x0122, "SOP class " + sopClass + " not accepted on context " + pcid)
                    : DimseStatus.of(0xC000, "Affected SOP Instance UID is not a valid UID");
        } else {
            Path tmp = StorageScp.incomingFile(directory);
            Path placed = null;
            IOException[] diskError = {null};
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    java.nio.ByteBuffer meta = StorageScp.fileMeta(sopClass, sopInstance,
                            TransferSyntax.of(nc.transferSyntax()), request.called());
                    while (meta.hasRemaining()) {
                        ch.write(meta);
                    }
                    link.readDataset(pcid, MAX_RETRIEVED_DATASET, (b, o, l) -> {
                        if (diskError[0] == null) {
                            try {
                                java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b, o, l);
                                while (bb.hasRemaining()) {
                                    ch.write(bb);
                                }
                            } catch (IOException e) {
                                diskError[0] = e; // keep reading so the association stays in step
                            }
                        }
                    });
                    if (diskError[0] == null) {
                        ch.force(false);
                    }
                }
                if (diskError[0] != null) {
                    status = DimseStatus.of(0xA700, "cannot write: " + diskError[0].getMessage());
                } else {
                    DicomFile f = CHECK.read(tmp);
                    String inData = f.dataset().getString(Tags.SOPInstanceUID).orElse("");
                    if (!inData.equals(sopInstance)) {
                        status = DimseStatus.of(0xA900, "dataset SOP Instance UID differs from the command's");
                    } else {
                        String study = f.dataset().getString(Tags.StudyInstanceUID).filter(Uids::isValid)
                                .orElse("no-study-uid");
                        Path studyDir = Files.createDirectories(directory.resolve(study));
                        Path target = studyDir.resolve(sopInstance + ".dcm");
                        try {
                            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
                                    StandardCopyOption.REPLACE_EXISTING);
                        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                        }
                        StorageScp.fsyncDirectory(studyDir);
                        StorageScp.fsyncDirectory(directory);
                        placed = target;
                        status = DimseStatus.SUCCESS;
                    }
                }
            } catch (dev.deliberate.medical.dicom.DicomParseException e) {
                status = DimseStatus.of(0xC000, "cannot parse dataset: " + e.reason());
            } finally {
                if (placed == null) {
                    Files.deleteIfExists(tmp);
                }
            }
            if (placed != null) {
                stored.add(placed);
            }
        }
        Command rsp = new Command().setUS(Command.COMMAND_FIELD, Command.C_STORE_RSP)
                .setUS(Command.MESSAGE_ID_RESPONDED, rq.requireUS(Command.MESSAGE_ID))
                .setUS(Command.DATASET_TYPE, Command.NO_DATASET).setUS(Command.STATUS, status.code());
        if (Uids.isValid(sopClass)) {
            rsp.setUid(Command.AFFECTED_SOP_CLASS, sopClass);
        }
        if (Uids.isValid(sopInstance)) {
            rsp.setUid(Command.AFFECTED_SOP_INSTANCE, sopInstance);
        }
        status.errorComment().ifPresent(m -> rsp.setString(Command.ERROR_COMMENT,
                m.length() > 64 ? m.substring(0, 64) : m, false));
        link.sendCommand(pcid, rsp);
        return status.ok();
    }

    /** Reads the next command, whatever it is. */
    private Command readCommand() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(256);
        Optional<int[]> ctx = link.readCommandInto(b, false);
        lastContext = ctx.orElseThrow()[0];
        try {
            Command c = Command.decode(b.toByteArray(), b.size());
            c.commandField();
            return c;
        } catch (DicomProtocolException e) {
            throw link.violation(e);
        }
    }

    private Command readResponse(int expectedField, int id) throws IOException {
        return readResponse(expectedField, new int[] {id});
    }

    /** The next response, which must be of {@code expectedField} and answer one of the messages {@code ids}. */
    private Command readResponse(int expectedField, int[] ids) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(256);
        Optional<int[]> ctx = link.readCommandInto(b, false);
        lastContext = ctx.orElseThrow()[0];
        Command rsp;
        try {
            rsp = Command.decode(b.toByteArray(), b.size());
            int field = rsp.commandField();
            if (field != expectedField) {
                throw new DicomProtocolException(String.format("expected command 0x%04X from %s, got 0x%04X",
                        expectedField, request.called(), field), 6);
            }
            int responded = rsp.requireUS(Command.MESSAGE_ID_RESPONDED);
            boolean outstanding = false;
            for (int id : ids) {
                outstanding |= id == responded;
            }
            if (!outstanding) {
                throw new DicomProtocolException("response to message " + responded + " where "
                        + (ids.length == 1 ? ids[0] + " was" : java.util.Arrays.toString(ids) + " were")
                        + " outstanding", 6);
            }
            rsp.requireUS(Command.STATUS);
        } catch (DicomProtocolException e) {
            throw link.violation(e);
        }
        return rsp;
    }

    private void skipDataset(Command rsp) throws IOException {
        if (rsp.hasDataset()) {
            link.readDataset(lastContext, DicomReadOptions.defaults().maxInflatedLength(), (x, o, l) -> { });
        }
    }

    /**
     * Releases the association (A-RELEASE-RQ, waits up to the ARTIM timeout for A-RELEASE-RP); aborts when the peer
     * does not answer in time.
     */
    public void release() throws IOException {
        if (released || link.isClosed()) {
            released = true;
            link.closeQuietly();
            return;
        }
        released = true;
        try {
            link.send(Pdus.releaseRq());
            link.timeout((int) options.artimTimeout().toMillis(), "A-RELEASE-RP");
            while (true) {
                int type = link.readPdu();
                if (type == Pdus.RELEASE_RP) {
                    break;
                }
                if (type == Pdus.RELEASE_RQ) { // release collision (PS3.8 7.2.2): the requester answers last
                    link.send(Pdus.releaseRp());
                    continue;
                }
                if (type != Pdus.P_DATA) { // late P-DATA is discarded; anything else is a violation
                    throw link.violation(new DicomProtocolException("unexpected PDU type " + type
                            + " while releasing", 2));
                }
            }
        } finally {
            link.closeQuietly();
        }
    }

    /** Aborts the association (A-ABORT, service user) and closes the connection. */
    public void abort() {
        released = true;
        link.abort(0, 0);
    }

    /** Whether the association is still usable. */
    public boolean isOpen() {
        return !released && !link.isClosed();
    }

    /** Releases the association if it is still open; aborts if the release fails. */
    @Override
    public void close() throws IOException {
        if (!isOpen()) {
            link.closeQuietly();
            return;
        }
        try {
            release();
        } catch (DicomNetworkException e) {
            link.abort(0, 0);
        }
    }
}

package dev.deliberate.medical.net;

import dev.deliberate.medical.deid.BurnedInAnnotationException;
import dev.deliberate.medical.deid.StudyDeidentifier;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomParseException;
import dev.deliberate.medical.dicom.DicomReadOptions;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.TransferSyntax;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A storage SCP (and Verification SCP) that loses nothing: each received instance is written as Part 10 to a
 * temporary file beside its destination, fsynced (see {@link Durability}), checked (it must parse, and its SOP Instance UID must be the one the
 * command named), atomically renamed into place and its folder fsynced, and only then acknowledged with success. A
 * failure is answered with a failure status (or, when the association breaks, with nothing) and leaves no file.
 *
 * <p>Limits: a bounded number of concurrent associations (further requests are rejected as transient, local limit
 * exceeded), PDU and dataset size limits, ARTIM and idle timeouts, an AE title policy, and SOP classes outside the
 * configured set rejected at negotiation. A misbehaving peer (abort, oversize PDU, garbage, stall) costs only its own
 * association.
 *
 * <pre>{@code
 * try (StorageScp scp = StorageScp.start(StorageScpOptions.defaults(AeTitle.of("NODE"), Path.of("inbox")),
 *         new StorageListener() {
 *             public void studyCompleted(CompletedStudy s) { pipeline.submit(s); }
 *         })) {
 *     ... scp.port() ...
 * }
 * }</pre>
 */
public final class StorageScp implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StorageScp.class.getName());
    private static final DicomReader CHECK = new DicomReader(DicomReadOptions.defaults().withStopBeforePixels(true));
    private static final DicomReader FULL = DicomReader.standard();

    private final StorageScpOptions options;
    private final StorageListener listener;
    private final ServerSocket server;
    private final Thread acceptor;
    private final ThreadPoolExecutor pool;
    private final ThreadPoolExecutor rejecter;
    private final Semaphore slots;
    private final ExecutorService events;
    private final ScheduledExecutorService scheduler;
    private final Set<Link> active = ConcurrentHashMap.newKeySet();
    private final Map<String, PendingStudy> studies = new HashMap<>();
    /** De-identification runs by source Study Instance UID, and (once an instance was written) by new UID. */
    private final Map<String, StudyRun> deidRuns = new HashMap<>();
    private final Map<String, StudyRun> deidRunsByNewStudy = new HashMap<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong storeFailures = new AtomicLong();
    private volatile boolean closing;

    private static final class PendingStudy {
        final List<StoredInstance> instances = new ArrayList<>();
        long lastArrival;
        ScheduledFuture<?> timer;
    }

    private StorageScp(StorageScpOptions options, StorageListener listener, ServerSocket server) {
        this.options = options;
        this.listener = listener;
        this.server = server;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(options.maxAssociations(), options.maxAssociations(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, "dicom-scp-" + options.aeTitle() + "-" + n.incrementAndGet()));
        this.pool.allowCoreThreadTimeOut(true);
        this.rejecter = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(32),
                r -> daemon(r, "dicom-scp-reject"), (r, ex) -> { });
        this.rejecter.allowCoreThreadTimeOut(true);
        this.slots = new Semaphore(options.maxAssociations());
        this.events = Executors.newSingleThreadExecutor(r -> daemon(r, "dicom-scp-events"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "dicom-scp-studies"));
        this.acceptor = new Thread(this::acceptLoop, "dicom-scp-accept-" + options.aeTitle());
        this.acceptor.setDaemon(true);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Creates the storage folder, binds and starts serving.
     *
     * @throws IOException when the folder cannot be created or the port cannot be bound
     */
    public static StorageScp start(StorageScpOptions options, StorageListener listener) throws IOException {
        Files.createDirectories(options.directory());
        ServerSocket server = options.tls().isPresent()
                ? options.tls().get().getServerSocketFactory().createServerSocket() : new ServerSocket();
        if (server instanceof javax.net.ssl.SSLServerSocket ssl) {
            ssl.setNeedClientAuth(options.requireClientCertificate()); // the handshake runs on the first read, on
            // the association's own thread, bounded by the ARTIM timeout
        }
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName(options.bindAddress()), options.port()), 64);
        } catch (IOException e) {
            server.close();
            throw new DicomNetworkException("cannot listen on " + options.bindAddress() + ":" + options.port() + ": "
                    + e.getMessage(), e);
        }
        StorageScp scp = new StorageScp(options, listener, server);
        scp.acceptor.start();
        return scp;
    }

    /** The port listened on. */
    public int port() {
        return server.getLocalPort();
    }

    /** The options. */
    public StorageScpOptions options() {
        return options;
    }

    /** Counters since start. */
    public ScpStats stats() {
        return new ScpStats(accepted.get(), rejected.get(), failed.get(), stored.get(), storeFailures.get());
    }

    private void acceptLoop() {
        while (!closing) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closing) {
                    LOG.log(System.Logger.Level.WARNING, "accept failed: " + e.getMessage());
                }
                continue;
            }
            try {
                s.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(s);
                continue;
            }
            if (slots.tryAcquire()) {
                try {
                    pool.execute(() -> {
                        try {
                            serve(s);
                        } finally {
                            slots.release();
                        }
                    });
                } catch (RuntimeException e) {
                    slots.release();
                    closeQuietly(s);
                }
            } else {
                rejecter.execute(() -> rejectBusy(s));
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** Reads the request (briefly) and rejects it: transient, presentation-related, local limit exceeded. */
    private void rejectBusy(Socket s) {
        rejected.incrementAndGet();
        try (Link link = new Link(s, AssociationOptions.MIN_PDU_LENGTH)) {
            link.timeout(2000, "A-ASSOCIATE-RQ");
            if (link.readPdu() == Pdus.ASSOCIATE_RQ) {
                link.send(Pdus.associateRj(2, 3, 2));
            }
        } catch (IOException | RuntimeException e) {
            // the peer learns from the closed connection
        }
    }

    private void serve(Socket s) {
        Link link;
        try {
            link = new Link(s, options.association().maxPduLength());
        } catch (IOException e) {
            closeQuietly(s);
            return;
        }
        active.add(link);
        try {
            Optional<Session> session = negotiate(link);
            if (session.isEmpty()) {
                return;
            }
            accepted.incrementAndGet();
            session.get().run();
        } catch (DicomNetworkException e) {
            failed.incrementAndGet();
            LOG.log(System.Logger.Level.INFO, "association with " + link.peer + " ended: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            failed.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "association with " + link.peer + " failed", e);
            link.abort(2, 0);
        } finally {
            link.closeQuietly();
            active.remove(link);
        }
    }

    private Optional<Session> negotiate(Link link) throws IOException {
        AssociationOptions ao = options.association();
        link.timeout((int) ao.artimTimeout().toMillis(), "A-ASSOCIATE-RQ");
        int type = link.readPdu();
        if (type != Pdus.ASSOCIATE_RQ) {
            throw link.violation(new DicomProtocolException("expected A-ASSOCIATE-RQ from " + link.peer
                    + ", got PDU type " + type, 2));
        }
        Pdus.Associate rq;
        try {
            rq = Pdus.decodeAssociate(link.body(), link.bodyLength(), false);
        } catch (DicomProtocolException e) {
            throw link.violation(e);
        }
        int[] rj = null;
        if (!Uids.APPLICATION_CONTEXT.equals(rq.applicationContext())) {
            rj = new int[] {1, 1, 2};
        } else if (options.requireCalledAeTitle() && !options.aeTitle().value().equals(rq.called())) {
            rj = new int[] {1, 1, 7};
        } else if (!options.allowedCallingAeTitles().isEmpty() && options.allowedCallingAeTitles().stream()
                .noneMatch(a -> a.value().equals(rq.calling()))) {
            rj = new int[] {1, 1, 3};
        }
        AeTitle calling;
        try {
            calling = AeTitle.of(rq.calling());
        } catch (IllegalArgumentException e) {
            calling = null;
            rj = new int[] {1, 1, 3};
        }
        if (rj != null) {
            rejected.incrementAndGet();
            link.send(Pdus.associateRj(rj[0], rj[1], rj[2]));
            LOG.log(System.Logger.Level.INFO, "rejected association from " + link.peer + " (calling '"
                    + rq.calling() + "', called '" + rq.called() + "'): "
                    + AssociationRejectedException.describe(rj[0], rj[1], rj[2]));
            return Optional.empty();
        }
        List<NegotiatedContext> results = new ArrayList<>();
        Map<Integer, NegotiatedContext> acceptedById = new HashMap<>();
        for (PresentationContext pc : rq.proposed()) {
            NegotiatedContext nc = negotiate(pc);
            results.add(nc);
            if (nc.accepted()) {
                acceptedById.put(nc.id(), nc);
            }
        }
        List<RoleSelection> roles = new ArrayList<>();
        for (RoleSelection r : rq.roles()) {
            roles.add(new RoleSelection(r.sopClassUid(), r.scu(), false)); // we never act as SCU here
        }
        long peerMax = rq.maxPduLength();
        long cap = ao.maxSendPduLength() == 0 ? AssociationOptions.MAX_PDU_LENGTH : ao.maxSendPduLength();
        if (peerMax != 0 && peerMax < 64) {
            throw link.violation(new DicomProtocolException("peer " + link.peer + " announces a maximum PDU length of "
                    + peerMax + " bytes", 6));
        }
        link.maxSend((int) (peerMax == 0 ? cap : Math.min(peerMax, cap)));
        link.send(Pdus.associateAc(rq, results, roles, ao.maxPduLength(), ao.maxOperations()));
        return Optional.of(new Session(link, calling, acceptedById));
    }

    private NegotiatedContext negotiate(PresentationContext pc) {
        String abs = pc.abstractSyntax();
        if (!abs.equals(Uids.VERIFICATION) && !options.sopClasses().contains(abs)) {
            return new NegotiatedContext(pc.id(), abs, 3, "");
        }
        for (String ts : pc.transferSyntaxes()) {
            boolean ok = abs.equals(Uids.VERIFICATION)
                    ? !TransferSyntax.of(ts).encapsulated() && !TransferSyntax.of(ts).deflated()
                    : options.restrictedTransferSyntaxes().map(set -> set.contains(ts))
                            .orElseGet(() -> TransferSyntax.of(ts).isKnown());
            if (ok) {
                return new NegotiatedContext(pc.id(), abs, 0, ts);
            }
        }
        return new NegotiatedContext(pc.id(), abs, 4, "");
    }

    /** One established association, acceptor side. */
    private final class Session {
        private final Link link;
        private final AeTitle calling;
        private final Map<Integer, NegotiatedContext> contexts;

        Session(Link link, AeTitle calling, Map<Integer, NegotiatedContext> contexts) {
            this.link = link;
            this.calling = calling;
            this.contexts = contexts;
        }

        void run() throws IOException {
            int idle = (int) options.association().idleTimeout().toMillis();
            while (true) {
                link.timeout(idle, "a DIMSE request");
                ByteArrayOutputStream b = new ByteArrayOutputStream(256);
                link.idle = true;
                if (closing) {
                    link.abort(2, 0);
                    return;
                }
                Optional<int[]> ctx = link.readCommandInto(b, true);
                link.idle = false;
                if (ctx.isEmpty()) {
                    link.send(Pdus.releaseRp());
                    return;
                }
                int pcid = ctx.get()[0];
                NegotiatedContext nc = contexts.get(pcid);
                Command cmd;
                try {
                    if (nc == null) {
                        throw new DicomProtocolException("command on presentation context " + pcid
                                + ", which was not accepted", 6);
                    }
                    cmd = Command.decode(b.toByteArray(), b.size());
                    cmd.commandField();
                    cmd.requireUS(Command.MESSAGE_ID);
                    cmd.requireUS(Command.DATASET_TYPE);
                } catch (DicomProtocolException e) {
                    throw link.violation(e);
                }
                switch (cmd.commandField()) {
                    case Command.C_ECHO_RQ -> {
                        drain(cmd, pcid);
                        respond(pcid, Command.C_ECHO_RSP, cmd, DimseStatus.SUCCESS, Optional.empty());
                    }
                    case Command.C_STORE_RQ -> store(cmd, pcid, nc);
                    case Command.C_CANCEL_RQ -> drain(cmd, pcid);
                    default -> {
                        drain(cmd, pcid);
                        respond(pcid, cmd.commandField() | 0x8000, cmd, DimseStatus.of(0x0211,
                                "operation not supported by this SCP"), Optional.empty());
                    }
                }
            }
        }

        private void drain(Command cmd, int pcid) throws IOException {
            if (cmd.hasDataset()) {
                link.readDataset(pcid, options.maxDatasetLength(), (x, o, l) -> { });
            }
        }

        private void respond(int pcid, int field, Command rq, DimseStatus status, Optional<String> instance)
                throws IOException {
            Command rsp = new Command().setUS(Command.COMMAND_FIELD, field)
                    .setUS(Command.MESSAGE_ID_RESPONDED, rq.requireUS(Command.MESSAGE_ID))
                    .setUS(Command.DATASET_TYPE, Command.NO_DATASET).setUS(Command.STATUS, status.code());
            rq.getString(Command.AFFECTED_SOP_CLASS).filter(Uids::isValid)
                    .ifPresent(u -> rsp.setUid(Command.AFFECTED_SOP_CLASS, u));
            instance.ifPresent(u -> rsp.setUid(Command.AFFECTED_SOP_INSTANCE, u));
            status.errorComment().ifPresent(c -> rsp.setString(Command.ERROR_COMMENT,
                    ascii64(c), false));
            link.sendCommand(pcid, rsp);
        }

        private void store(Command cmd, int pcid, NegotiatedContext nc) throws IOException {
            String sopClass = cmd.getString(Command.AFFECTED_SOP_CLASS).orElse("");
            String sopInstance = cmd.getString(Command.AFFECTED_SOP_INSTANCE).orElse("");
            if (!cmd.hasDataset()) {
                storeFailures.incrementAndGet();
                respond(pcid, Command.C_STORE_RSP, cmd, DimseStatus.of(0xC000, "C-STORE-RQ without a dataset"),
                        Optional.of(sopInstance).filter(Uids::isValid));
                return;
            }
            if (!Uids.isValid(sopInstance) || !sopClass.equals(nc.abstractSyntax())) {
                drain(cmd, pcid);
                storeFailures.incrementAndGet();
                respond(pcid, Command.C_STORE_RSP, cmd, !sopClass.equals(nc.abstractSyntax())
                        ? DimseStatus.of(0x0122, "SOP class " + sopClass + " differs from the context's")
                        : DimseStatus.of(0xC000, "Affected SOP Instance UID is not a valid UID"), Optional.empty());
                return;
            }
            TransferSyntax ts = TransferSyntax.of(nc.transferSyntax());
            Path dir = options.directory();
            Path tmp = incomingFile(dir);
            boolean keep = false;
            DimseStatus status;
            long[] size = {0};
            IOException[] diskError = {null};
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    writeFully(ch, fileMeta(sopClass, sopInstance, ts, calling));
                    size[0] = link.readDataset(pcid, options.maxDatasetLength(), (b, o, l) -> {
                        if (diskError[0] == null) {
                            try {
                                writeFully(ch, ByteBuffer.wrap(b, o, l));
                            } catch (IOException e) {
                                diskError[0] = e; // keep reading so the association stays in step
                            }
                        }
                    });
                    if (diskError[0] == null && options.durability() == Durability.FSYNC
                            && options.deidentification().isEmpty()) { // de-identified: only the output is kept
                        ch.force(false); // data and the size: what reading the file back needs
                    }
                } catch (IOException e) {
                    if (link.isClosed()) {
                        throw e;
                    }
                    diskError[0] = e;
                }
                if (diskError[0] != null) {
                    status = DimseStatus.of(0xA700, "cannot write: " + diskError[0].getMessage());
                } else if (options.deidentification().isPresent()) {
                    Received r = storeDeidentified(tmp, sopInstance, calling, link.peer);
                    status = r.status();
                    if (r.instance() != null) {
                        respond(pcid, Command.C_STORE_RSP, cmd, status, Optional.of(sopInstance));
                        stored.incrementAndGet();
                        delivered(r.instance());
                        return;
                    }
                } else {
                    Optional<Path> placed;
                    String[] uids = {"", ""};
                    try {
                        DicomFile f = CHECK.read(tmp);
                        String inData = f.dataset().getString(Tags.SOPInstanceUID).orElse("");
                        uids[0] = f.dataset().getString(Tags.StudyInstanceUID).orElse("");
                        uids[1] = f.dataset().getString(Tags.SeriesInstanceUID).orElse("");
                        if (!inData.equals(sopInstance)) {
                            status = DimseStatus.of(0xA900, "dataset SOP Instance UID '" + inData
                                    + "' differs from the command's");
                            placed = Optional.empty();
                        } else {
                            placed = Optional.of(place(tmp, uids[0], sopInstance));
                            status = DimseStatus.SUCCESS;
                        }
                    } catch (DicomParseException e) {
                        status = DimseStatus.of(0xC000, "cannot parse dataset: " + e.reason());
                        placed = Optional.empty();
                    } catch (IOException e) {
                        status = DimseStatus.of(0xA700, "cannot store: " + e.getMessage());
                        placed = Optional.empty();
                    }
                    if (placed.isPresent()) {
                        keep = true;
                        respond(pcid, Command.C_STORE_RSP, cmd, status, Optional.of(sopInstance));
                        stored.incrementAndGet();
                        delivered(new StoredInstance(placed.get(), sopClass, sopInstance, uids[0], uids[1],
                                ts.uid(), calling, size[0], Instant.now()));
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                storeFailures.incrementAndGet();
                throw e;
            } finally {
                if (!keep) {
                    Files.deleteIfExists(tmp);
                }
            }
            storeFailures.incrementAndGet();
            respond(pcid, Command.C_STORE_RSP, cmd, status, Optional.of(sopInstance));
        }
    }

    /** What storing a received instance came to: a success with the instance stored, or a failure status. */
    private record Received(DimseStatus status, StoredInstance instance) {}

    /** The de-identification run of one source study (see {@link StorageScpOptions#withDeidentification}). */
    private static final class StudyRun {
        final String sourceStudy;
        final StudyDeidentifier run;
        String newStudy;
        Path folder;
        int inFlight;
        boolean retired;

        StudyRun(String sourceStudy, StudyDeidentifier run) {
            this.sourceStudy = sourceStudy;
            this.run = run;
        }
    }

    private StudyRun acquireRun(String sourceStudy) {
        synchronized (deidRuns) {
            StudyRun r = deidRuns.computeIfAbsent(sourceStudy, k -> new StudyRun(k,
                    StudyDeidentifier.builder(options.deidentification().get()).output(options.directory())
                            .noReport().dicomdir(StudyDeidentifier.DicomdirMode.NEVER).build()));
            r.inFlight++;
            return r;
        }
    }

    private void releaseRun(StudyRun r) {
        boolean finish;
        synchronized (deidRuns) {
            r.inFlight--;
            finish = r.retired && r.inFlight == 0;
        }
        if (finish) {
            finishRun(r);
        }
    }

    /** Ends the run of a completed study (its report written once no store is using it). */
    private void retireRun(String newStudy) {
        StudyRun r;
        boolean finish;
        synchronized (deidRuns) {
            r = deidRunsByNewStudy.remove(newStudy);
            if (r == null) {
                return;
            }
            deidRuns.remove(r.sourceStudy, r);
            r.retired = true;
            finish = r.inFlight == 0;
        }
        if (finish) {
            finishRun(r);
        }
    }

    private static final java.time.format.DateTimeFormatter REPORT_TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC);

    /** Writes the run's report, {@code DIR/deid-reports/<study folder>-<time>.json}, and closes it. */
    private void finishRun(StudyRun r) {
        try {
            if (r.folder != null) {
                r.run.writeReport(options.directory().resolve(DEID_REPORTS).resolve(r.folder + "-"
                        + REPORT_TIME.format(Instant.now()) + "-" + HexFormat.of().formatHex(randomBytes(), 0, 2)
                        + ".json"));
            }
            r.run.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot write the de-identification report of study folder "
                    + r.folder + ": " + e.getMessage());
        }
    }

    /** The folder (inside the storage folder) where de-identification reports go, one per study and run. */
    public static final String DEID_REPORTS = "deid-reports";

    /**
     * De-identifies a received instance (in {@code tmp}) through the study's run and writes only the result; the
     * temporary file with the received bytes is deleted before this returns, whatever happens.
     */
    private Received storeDeidentified(Path tmp, String sopInstance, AeTitle calling, String peer)
            throws IOException {
        StudyRun r = null;
        try {
            DicomFile f;
            try {
                f = FULL.read(tmp);
            } catch (DicomParseException e) {
                return new Received(DimseStatus.of(0xC000, "cannot parse dataset: " + e.reason()), null);
            }
            String inData = f.dataset().getString(Tags.SOPInstanceUID).orElse("");
            if (!inData.equals(sopInstance)) {
                return new Received(DimseStatus.of(0xA900, "dataset SOP Instance UID '" + inData
                        + "' differs from the command's"), null);
            }
            r = acquireRun(f.dataset().getString(Tags.StudyInstanceUID).orElse(""));
            StudyDeidentifier.Deidentified d;
            try {
                d = r.run.write(f, calling.value() + " at " + peer);
            } catch (BurnedInAnnotationException e) {
                return new Received(DimseStatus.of(0xC000, "refused by the de-identification policy: "
                        + e.getMessage()), null);
            } catch (dev.deliberate.core.DeliberateException | IllegalArgumentException e) {
                return new Received(DimseStatus.of(0xC000, "cannot de-identify: " + e.getMessage()), null);
            } catch (IOException e) {
                return new Received(DimseStatus.of(0xA700, "cannot store: " + e.getMessage()), null);
            }
            Path target = options.directory().resolve(d.name());
            if (options.durability() == Durability.FSYNC) {
                // the file itself was forced before its rename; make the renames and new folders durable too
                fsyncDirectory(target.getParent());
                fsyncDirectory(target.getParent().getParent());
                fsyncDirectory(options.directory());
            }
            dev.deliberate.medical.dicom.DicomObject ds = d.file().dataset();
            String newStudy = ds.getString(Tags.StudyInstanceUID).orElse("");
            synchronized (deidRuns) {
                if (r.folder == null) {
                    r.folder = d.name().getName(0);
                    r.newStudy = newStudy;
                    if (!r.retired) {
                        deidRunsByNewStudy.put(newStudy, r);
                    }
                }
            }
            return new Received(DimseStatus.SUCCESS, new StoredInstance(target,
                    ds.getString(Tags.SOPClassUID).orElse(""), ds.getString(Tags.SOPInstanceUID).orElse(""),
                    newStudy, ds.getString(Tags.SeriesInstanceUID).orElse(""),
                    DicomWriter.standard().transferSyntaxFor(d.file()).uid(), calling, Files.size(target),
                    Instant.now()));
        } finally {
            Files.deleteIfExists(tmp);
            if (r != null) {
                releaseRun(r);
            }
        }
    }

    /**
     * A fresh temporary name in {@code dir} for an instance being received, hidden and ending in {@code .part};
     * package-private because C-GET receives through the same names.
     */
    static Path incomingFile(Path dir) {
        return dir.resolve(".incoming-" + HexFormat.of().formatHex(randomBytes()) + ".part");
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        TempNames.RANDOM.nextBytes(b);
        return b;
    }

    /** Made on first use: seeding it loads the security providers, which commands that never write do not need. */
    private static final class TempNames {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    private static String ascii64(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7F && c != '\\' ? c : '?');
        }
        return b.toString();
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Moves a checked temporary file to {@code DIR/STUDY/SOP.dcm} atomically and fsyncs the folders touched. */
    private Path place(Path tmp, String study, String sopInstance) throws IOException {
        Path root = options.directory();
        Path studyDir = root.resolve(Uids.isValid(study) ? study : "no-study-uid");
        boolean created = !Files.isDirectory(studyDir);
        Files.createDirectories(studyDir);
        Path target = studyDir.resolve(sopInstance + ".dcm");
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        if (options.durability() == Durability.FSYNC) {
            fsyncDirectory(studyDir);
            if (created) {
                fsyncDirectory(root);
            }
        }
        return target;
    }

    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can open a folder for fsync (Windows); the rename itself is durable there
        }
    }

    /** Preamble, "DICM" and the file meta group (explicit VR little endian) for a received dataset. */
    static ByteBuffer fileMeta(String sopClass, String sopInstance, TransferSyntax ts, AeTitle source) {
        ByteArrayOutputStream group = new ByteArrayOutputStream(256);
        metaElement(group, 0x0001, "OB", new byte[] {0, 1});
        metaElement(group, 0x0002, "UI", uid(sopClass));
        metaElement(group, 0x0003, "UI", uid(sopInstance));
        metaElement(group, 0x0010, "UI", uid(ts.uid()));
        metaElement(group, 0x0012, "UI", uid(DicomWriter.IMPLEMENTATION_CLASS_UID));
        metaElement(group, 0x0013, "SH", text(DicomWriter.IMPLEMENTATION_VERSION_NAME));
        metaElement(group, 0x0016, "AE", text(source.value()));
        ByteBuffer b = ByteBuffer.allocate(132 + 12 + group.size()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.position(128);
        b.put((byte) 'D').put((byte) 'I').put((byte) 'C').put((byte) 'M');
        b.putShort((short) 2).putShort((short) 0).put((byte) 'U').put((byte) 'L').putShort((short) 4)
                .putInt(group.size());
        b.put(group.toByteArray());
        return b.flip();
    }

    private static byte[] uid(String s) {
        byte[] a = s.getBytes(StandardCharsets.US_ASCII);
        return (a.length & 1) == 0 ? a : java.util.Arrays.copyOf(a, a.length + 1);
    }

    private static byte[] text(String s) {
        byte[] a = s.getBytes(StandardCharsets.US_ASCII);
        if ((a.length & 1) == 0) {
            return a;
        }
        byte[] p = java.util.Arrays.copyOf(a, a.length + 1);
        p[a.length] = ' ';
        return p;
    }

    private static void metaElement(ByteArrayOutputStream out, int element, String vr, byte[] value) {
        out.write(2);
        out.write(0);
        out.write(element);
        out.write(element >> 8);
        out.write(vr.charAt(0));
        out.write(vr.charAt(1));
        if (vr.equals("OB")) {
            out.write(0);
            out.write(0);
            int n = value.length;
            out.write(n);
            out.write(n >> 8);
            out.write(n >> 16);
            out.write(n >> 24);
        } else {
            out.write(value.length);
            out.write(value.length >> 8);
        }
        out.write(value, 0, value.length);
    }

    private void delivered(StoredInstance i) {
        events.execute(() -> {
            try {
                listener.instanceStored(i);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "storage listener failed on " + i.file(), e);
            }
        });
        synchronized (studies) {
            PendingStudy p = studies.computeIfAbsent(i.studyInstanceUid(), k -> new PendingStudy());
            p.instances.add(i);
            p.lastArrival = System.nanoTime();
            if (p.timer == null && !closing) {
                // one timer per quiet period, not one per instance: when it fires early it re-arms for the rest
                p.timer = scheduler.schedule(() -> studyQuiet(i.studyInstanceUid(), p),
                        options.studyCompleteAfter().toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    private void studyQuiet(String study, PendingStudy p) {
        CompletedStudy done;
        synchronized (studies) {
            if (studies.get(study) != p) {
                return;
            }
            long quietFor = System.nanoTime() - p.lastArrival;
            long rest = options.studyCompleteAfter().toNanos() - quietFor;
            if (rest > 0) {
                p.timer = closing ? null : scheduler.schedule(() -> studyQuiet(study, p), rest, TimeUnit.NANOSECONDS);
                return;
            }
            studies.remove(study);
            done = new CompletedStudy(study, p.instances);
        }
        retireRun(study);
        publish(done);
    }

    private void publish(CompletedStudy done) {
        events.execute(() -> {
            try {
                listener.studyCompleted(done);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "storage listener failed on study " + done.studyInstanceUid(), e);
            }
        });
    }

    /**
     * Stops accepting, aborts idle associations, lets those in the middle of an operation finish it for up to 10 s
     * (then aborts them), reports studies still
     * pending as complete, and waits for the listener to finish its events.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        try {
            acceptor.join(5000);
            pool.shutdown();
            active.stream().filter(l -> l.idle).forEach(l -> l.abort(2, 0)); // nothing in flight there
            rejecter.shutdown();
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                active.forEach(l -> l.abort(2, 0));
                pool.awaitTermination(5, TimeUnit.SECONDS);
            }
            List<CompletedStudy> pending = new ArrayList<>();
            synchronized (studies) {
                for (Map.Entry<String, PendingStudy> e : studies.entrySet()) {
                    if (e.getValue().timer != null) {
                        e.getValue().timer.cancel(false);
                    }
                    pending.add(new CompletedStudy(e.getKey(), e.getValue().instances));
                }
                studies.clear();
            }
            scheduler.shutdownNow();
            List<StudyRun> runs;
            synchronized (deidRuns) {
                runs = new ArrayList<>(deidRuns.values());
                deidRuns.clear();
                deidRunsByNewStudy.clear();
            }
            runs.forEach(this::finishRun); // every association has ended: none is in use
            pending.forEach(this::publish);
            events.shutdown();
            events.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.shutdownNow();
            events.shutdownNow();
        }
    }
}

package dev.deliberate.medical.net;

import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomParseException;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.TransferSyntax;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * Sends many files to a storage SCP: reads their headers, groups them so each association carries at most 128
 * presentation contexts, sends each file as it is (see {@link Association#store(Path)}), reports progress per file,
 * and keeps going past files that are not DICOM or that the peer refuses. A connection that cannot be made or an
 * association that is rejected fails the whole send, since no file could go.
 *
 * <p>Each association keeps up to its negotiated {@linkplain Association#operationsWindow() operations window} of
 * requests unanswered ({@link AssociationOptions#maxOperations()}, 16 by default, where the SCP grants it; DCMTK and
 * Orthanc grant none and are sent one file at a time). When an association breaks, the files it had sent and not had
 * answered are sent again, each alone, over another association or a fresh one; a file that was unanswered at two
 * breaks is reported with the error. So a file the SCP cannot take costs at most two associations, the rest of the
 * study still goes, and no file is reported stored that the SCP did not acknowledge.
 */
public final class StoreScu {

    /**
     * Where to send.
     *
     * @param host    the SCP's host
     * @param port    its port
     * @param calling this side's AE title
     * @param called  the SCP's AE title
     * @param options association limits and timeouts
     * @param tls     when present, the association runs over TLS with this JSSE context
     */
    public record Target(String host, int port, AeTitle calling, AeTitle called, AssociationOptions options,
            Optional<SSLContext> tls) {
        /** Validates. */
        public Target {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(calling, "calling");
            Objects.requireNonNull(called, "called");
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(tls, "tls");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1..65535");
            }
        }

        /** A target reached over plain TCP. */
        public Target(String host, int port, AeTitle calling, AeTitle called, AssociationOptions options) {
            this(host, port, calling, called, options, Optional.empty());
        }

        /** This target reached over TLS with this context. */
        public Target withTls(SSLContext context) {
            return new Target(host, port, calling, called, options, Optional.of(context));
        }
    }

    /**
     * What happened to one file.
     *
     * @param file   the file
     * @param result the peer's answer, when the file was sent
     * @param error  why it was not sent or not answered, otherwise empty
     */
    public record Outcome(Path file, Optional<StoreResult> result, Optional<String> error) {
        /** Validates. */
        public Outcome {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(error, "error");
        }

        /** Stored with success or a warning. */
        public boolean ok() {
            return result.map(r -> r.status().ok()).orElse(false);
        }
    }

    /**
     * Progress after each file.
     *
     * @param done    files handled so far
     * @param total   files to handle
     * @param bytes   dataset bytes sent so far
     * @param latest  the outcome of the latest file
     */
    public record Progress(int done, int total, long bytes, Outcome latest) {}

    /**
     * The whole send.
     *
     * @param outcomes  one per file, in order
     * @param bytes     dataset bytes sent
     * @param elapsedNanos wall time
     */
    public record Summary(List<Outcome> outcomes, long bytes, long elapsedNanos) {
        /** Validates. */
        public Summary {
            outcomes = List.copyOf(outcomes);
        }

        /** Files stored (success or warning). */
        public long stored() {
            return outcomes.stream().filter(Outcome::ok).count();
        }

        /** Files not stored. */
        public long failed() {
            return outcomes.size() - stored();
        }
    }

    private StoreScu() {}

    /**
     * The regular files of these paths, folders walked recursively (links to folders are not followed, links to
     * files are taken), the files found under each folder sorted by path.
     *
     * @throws java.nio.file.NoSuchFileException when a path is neither a folder nor a regular file
     * @throws IOException when a folder cannot be listed
     */
    public static List<Path> expand(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                // one walk whose attributes say what each entry is, rather than a stream asking the file system again
                List<Path> found = new ArrayList<>();
                Files.walkFileTree(p, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile() || attrs.isSymbolicLink() && Files.isRegularFile(file)) {
                            found.add(file);
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
                found.sort(null);
                out.addAll(found);
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new java.nio.file.NoSuchFileException(p.toString());
            }
        }
        return out;
    }

    /** The most associations {@link #send(Target, List, int, Consumer)} opens at a time. */
    public static final int MAX_ASSOCIATIONS = 16;

    /**
     * Sends the files over one association at a time (as DCMTK's {@code storescu} does).
     *
     * @throws AssociationRejectedException when the SCP rejects the association
     * @throws DicomNetworkException        when the SCP cannot be reached
     */
    public static Summary send(Target target, List<Path> files, Consumer<Progress> progress) throws IOException {
        return send(target, files, 1, progress);
    }

    /**
     * Sends the files over up to {@code associations} associations at once, each taking the next file when its
     * window has room. More than one pays off for many files when the SCP answers one request at a time: it stores one
     * instance while the next is on the wire (on two cores, two synchronous associations sent 5,000 files in 0.6 of the
     * time of one). An SCP that refuses the extra associations (a busy limit) gets the files over those it accepted.
     * {@code progress} is called from the sending threads, one call at a time, as files finish.
     *
     * @param associations 1 to {@link #MAX_ASSOCIATIONS}
     * @throws AssociationRejectedException when the SCP rejects every association of a group of files
     * @throws DicomNetworkException        when the SCP cannot be reached
     * @throws IllegalArgumentException     when {@code associations} is out of range
     */
    public static Summary send(Target target, List<Path> files, int associations, Consumer<Progress> progress)
            throws IOException {
        if (associations < 1 || associations > MAX_ASSOCIATIONS) {
            throw new IllegalArgumentException("associations must be 1.." + MAX_ASSOCIATIONS + ", got "
                    + associations);
        }
        Objects.requireNonNull(progress, "progress");
        long start = System.nanoTime();
        Outcome[] outcomes = new Outcome[files.size()];
        List<Item> sendable = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            try {
                DicomFile h = Association.SENDING_HEADER.read(f);
                Optional<String> sop = h.dataset().getString(Tags.SOPClassUID)
                        .or(() -> h.fileMeta().getString(Tags.MediaStorageSOPClassUID)).filter(Uids::isValid);
                Optional<String> instance = h.dataset().getString(Tags.SOPInstanceUID)
                        .or(() -> h.fileMeta().getString(Tags.MediaStorageSOPInstanceUID));
                if (sop.isEmpty() || instance.isEmpty()) {
                    outcomes[i] = new Outcome(f, Optional.empty(), Optional.of("no SOP Class/Instance UID"));
                    continue;
                }
                sendable.add(new Item(i, f, List.of(sop.get(), h.transferSyntax().uid()), instance.get()));
            } catch (DicomParseException e) {
                outcomes[i] = new Outcome(f, Optional.empty(), Optional.of("not DICOM: " + e.reason()));
            } catch (IOException e) {
                outcomes[i] = new Outcome(f, Optional.empty(), Optional.of("cannot read: " + e.getMessage()));
            }
        }
        Reporter report = new Reporter(files.size(), progress);
        // files that could not be read are reported first, in order
        for (Outcome o : outcomes) {
            if (o != null) {
                report.done(o, 0);
            }
        }
        java.util.concurrent.ExecutorService helpers = associations == 1 ? null
                : java.util.concurrent.Executors.newFixedThreadPool(associations - 1, r -> {
                    Thread t = new Thread(r, "deliberate-store-scu");
                    t.setDaemon(true);
                    return t;
                });
        try {
            int next = 0;
            while (next < sendable.size()) {
                int end = next;
                PresentationContexts.Group group = new PresentationContexts.Group();
                while (end < sendable.size() && group.add(sendable.get(end).pair())) {
                    end++;
                }
                AssociationRequest rq = AssociationRequest.of(target.calling(), target.called(),
                        PresentationContexts.forPairs(group.pairs()));
                new GroupSend(target, rq, sendable.subList(next, end), outcomes, report)
                        .run(Math.min(associations, end - next), helpers);
                next = end;
            }
        } finally {
            if (helpers != null) {
                helpers.shutdownNow();
            }
        }
        return new Summary(List.of(outcomes), report.bytes(), System.nanoTime() - start);
    }

    /** Counts and reports finished files, one at a time whatever thread finished them. */
    private static final class Reporter {
        private final int total;
        private final Consumer<Progress> progress;
        private int done;
        private long bytes;

        Reporter(int total, Consumer<Progress> progress) {
            this.total = total;
            this.progress = progress;
        }

        synchronized void done(Outcome o, long sent) {
            done++;
            bytes += sent;
            progress.accept(new Progress(done, total, bytes, o));
        }

        synchronized long bytes() {
            return bytes;
        }
    }

    /** A file to send: its place in the caller's list, its (SOP class, transfer syntax) pair, its instance UID. */
    private record Item(int index, Path file, List<String> pair, String instance) {}

    /**
     * One group of files (contexts that fit one association) sent by one or more associations, each taking the next
     * file from a shared queue and keeping up to its negotiated window of them unanswered. An association that cannot
     * be opened leaves the files to the others. When one breaks, the files it had sent and not had answered go back
     * to the queue, to be sent over another association (or a fresh one once all have ended); a file that was
     * unanswered at two breaks is reported with the error, so one file the SCP cannot take costs at most two
     * associations and never the rest. When no association can be had, the files left are reported with the last
     * error, or, when no file of the group went at all, that error is thrown.
     */
    private static final class GroupSend {
        /** A file unanswered at this many breaks is not sent again. */
        private static final int MAX_BREAKS = 2;

        private final Target target;
        private final AssociationRequest rq;
        private final List<Item> items;
        private final Outcome[] outcomes;
        private final Reporter report;
        private final java.util.concurrent.atomic.AtomicInteger cursor = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.ConcurrentLinkedQueue<Item> returned =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final java.util.concurrent.atomic.AtomicIntegerArray breaks;
        private final java.util.concurrent.atomic.AtomicInteger handled = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicReference<Exception> fatal =
                new java.util.concurrent.atomic.AtomicReference<>();
        private final java.util.concurrent.atomic.AtomicReference<DicomNetworkException> lastBreak =
                new java.util.concurrent.atomic.AtomicReference<>();

        GroupSend(Target target, AssociationRequest rq, List<Item> items, Outcome[] outcomes, Reporter report) {
            this.target = target;
            this.rq = rq;
            this.items = items;
            this.outcomes = outcomes;
            this.report = report;
            this.breaks = new java.util.concurrent.atomic.AtomicIntegerArray(outcomes.length);
        }

        void run(int associations, java.util.concurrent.ExecutorService helpers) throws IOException {
            List<java.util.concurrent.Future<?>> others = new ArrayList<>();
            for (int k = 1; k < associations; k++) {
                others.add(helpers.submit(this::work));
            }
            work();
            for (java.util.concurrent.Future<?> f : others) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    fatal.compareAndSet(null, new java.io.InterruptedIOException("interrupted while sending"));
                } catch (java.util.concurrent.ExecutionException e) {
                    fatal.compareAndSet(null, e.getCause() instanceof Exception x ? x
                            : new IllegalStateException("sending thread failed", e.getCause()));
                }
            }
            // files handed back after the other associations had ended, or left when all of them broke: fresh
            // associations carry them, one at a time, for as long as each gets some file answered or reported
            int before = -1;
            while (fatal.get() == null && lastBreak.get() != null && filesLeft() && handled.get() != before) {
                before = handled.get();
                work();
            }
            Exception f = fatal.get();
            if (f instanceof IOException io) {
                throw io;
            }
            if (f instanceof RuntimeException r) {
                throw r;
            }
            DicomNetworkException broke = lastBreak.get();
            if (broke != null && filesLeft()) {
                if (handled.get() == 0) {
                    throw broke; // nothing of this group went: the SCP is unreachable or refuses us
                }
                // no association is left to carry the rest: it is reported, the next group gets fresh ones
                for (Item item; (item = next()) != null; ) {
                    finish(item, Optional.empty(), broke.getMessage());
                }
            }
        }

        private boolean filesLeft() {
            return !returned.isEmpty() || cursor.get() < items.size();
        }

        /** The next file to send: one handed back by a broken association first, else the next of the group. */
        private Item next() {
            Item r = returned.poll();
            if (r != null) {
                return r;
            }
            int i = cursor.getAndIncrement();
            if (i >= items.size()) {
                cursor.set(items.size()); // no overflow however often it is asked
                return null;
            }
            return items.get(i);
        }

        /** One association: sends files until the group is done, the association breaks, or another one failed. */
        private void work() {
            Association a;
            try {
                a = target.tls().isPresent()
                        ? Association.open(target.host(), target.port(), rq, target.options(), target.tls().get())
                        : Association.open(target.host(), target.port(), rq, target.options());
            } catch (DicomNetworkException e) {
                lastBreak.compareAndSet(null, e);
                return;
            } catch (IOException | RuntimeException e) {
                fatal.compareAndSet(null, e);
                return;
            }
            // up to the negotiated window of requests on the wire before the first answer is awaited: the SCP
            // stores one file while the next ones arrive (one at a time with DCMTK or Orthanc, which grant none)
            int window = a.operationsWindow();
            List<Association.PendingStore> outstanding = new ArrayList<>(window);
            List<Item> inFlight = new ArrayList<>(window);
            Item held = null; // a file that was unanswered at a break: it waits for an empty wire, then goes alone
            try (a) {
                boolean alone = false;
                while (true) {
                    while (!alone && outstanding.size() < window) {
                        Item item = held != null ? held : fatal.get() == null ? next() : null;
                        if (item == null) {
                            break;
                        }
                        boolean suspect = breaks.get(item.index()) > 0;
                        if (suspect && !outstanding.isEmpty()) {
                            held = item;
                            break;
                        }
                        held = null;
                        inFlight.add(item);
                        try {
                            outstanding.add(a.requestFile(item.file(), item.pair().get(0), item.instance(),
                                    TransferSyntax.of(item.pair().get(1))));
                            alone = suspect; // so that a second break is its own and no other file's
                        } catch (NoPresentationContextException | DicomParseException e) {
                            inFlight.remove(inFlight.size() - 1);
                            finish(item, Optional.empty(), e.getMessage()); // nothing of it was sent
                        }
                    }
                    if (outstanding.isEmpty()) {
                        break;
                    }
                    Association.AnsweredStore answer = a.awaitStore(outstanding);
                    int k = outstanding.indexOf(answer.request());
                    outstanding.remove(k);
                    StoreResult r = answer.result();
                    finish(inFlight.remove(k), Optional.of(r), r.status().ok() ? null : "status " + r.status());
                    alone &= !outstanding.isEmpty();
                }
            } catch (DicomNetworkException e) {
                // the association broke, while sending, awaiting an answer or closing: what it had unanswered goes
                // back to the queue, unless it was unanswered at a break before
                lastBreak.set(e);
                for (Item item : inFlight) {
                    if (breaks.incrementAndGet(item.index()) >= MAX_BREAKS) {
                        finish(item, Optional.empty(), e.getMessage());
                    } else {
                        returned.add(item);
                    }
                }
                if (held != null) {
                    returned.add(held);
                }
            } catch (IOException | RuntimeException e) {
                fatal.compareAndSet(null, e);
            }
        }

        /** Records and reports one file's outcome ({@code error} null when it was stored or warned about). */
        private void finish(Item item, Optional<StoreResult> result, String error) {
            Outcome o = new Outcome(item.file(), result, Optional.ofNullable(error));
            outcomes[item.index()] = o;
            handled.incrementAndGet();
            report.done(o, result.map(StoreResult::bytes).orElse(0L));
        }
    }
}

package dev.deliberate.medical.net;

import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomParseException;
import dev.deliberate.medical.dicom.DicomReadOptions;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.TransferSyntax;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * Sends many files to a storage SCP: reads their headers, groups them so each association carries at most 128
 * presentation contexts, sends each file as it is (see {@link Association#store(Path)}), reports progress per file,
 * and keeps going past files that are not DICOM or that the peer refuses. A connection that cannot be made or an
 * association that is rejected fails the whole send, since no file could go.
 */
public final class StoreScu {
    private static final DicomReader HEADERS = new DicomReader(DicomReadOptions.defaults().withStopBeforePixels(true));

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

    /** The regular files of these paths, folders walked recursively, in a stable order. */
    public static List<Path> expand(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile).sorted().forEach(out::add);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new java.nio.file.NoSuchFileException(p.toString());
            }
        }
        return out;
    }

    /**
     * Sends the files.
     *
     * @throws AssociationRejectedException when the SCP rejects the association
     * @throws DicomNetworkException        when the SCP cannot be reached
     */
    public static Summary send(Target target, List<Path> files, Consumer<Progress> progress) throws IOException {
        long start = System.nanoTime();
        Outcome[] outcomes = new Outcome[files.size()];
        List<Integer> sendable = new ArrayList<>();
        List<List<String>> pairs = new ArrayList<>();
        List<String> instances = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            try {
                DicomFile h = HEADERS.read(f);
                Optional<String> sop = h.dataset().getString(Tags.SOPClassUID)
                        .or(() -> h.fileMeta().getString(Tags.MediaStorageSOPClassUID)).filter(Uids::isValid);
                Optional<String> instance = h.dataset().getString(Tags.SOPInstanceUID)
                        .or(() -> h.fileMeta().getString(Tags.MediaStorageSOPInstanceUID));
                if (sop.isEmpty() || instance.isEmpty()) {
                    outcomes[i] = new Outcome(f, Optional.empty(), Optional.of("no SOP Class/Instance UID"));
                    continue;
                }
                sendable.add(i);
                pairs.add(List.of(sop.get(), h.transferSyntax().uid()));
                instances.add(instance.get());
            } catch (DicomParseException e) {
                outcomes[i] = new Outcome(f, Optional.empty(), Optional.of("not DICOM: " + e.reason()));
            } catch (IOException e) {
                outcomes[i] = new Outcome(f, Optional.empty(), Optional.of("cannot read: " + e.getMessage()));
            }
        }
        long[] bytes = {0};
        int[] done = {0};
        // files that could not be read are reported first, in order
        for (Outcome o : outcomes) {
            if (o != null) {
                done[0]++;
                progress.accept(new Progress(done[0], files.size(), bytes[0], o));
            }
        }
        int next = 0;
        while (next < sendable.size()) {
            int end = next;
            List<List<String>> group = new ArrayList<>();
            while (end < sendable.size()) {
                group.add(pairs.get(end));
                if (PresentationContexts.count(group) > 128) {
                    group.remove(group.size() - 1);
                    break;
                }
                end++;
            }
            List<PresentationContext> contexts = PresentationContexts.forPairs(group);
            AssociationRequest rq = AssociationRequest.of(target.calling(), target.called(), contexts);
            int i = next;
            try (Association a = target.tls().isPresent()
                    ? Association.open(target.host(), target.port(), rq, target.options(), target.tls().get())
                    : Association.open(target.host(), target.port(), rq, target.options())) {
                for (; i < end; i++) {
                    int idx = sendable.get(i);
                    Outcome o;
                    try {
                        List<String> pair = pairs.get(i);
                        StoreResult r = a.storeFile(files.get(idx), pair.get(0), instances.get(i),
                                TransferSyntax.of(pair.get(1)));
                        bytes[0] += r.bytes();
                        o = new Outcome(files.get(idx), Optional.of(r), r.status().ok() ? Optional.empty()
                                : Optional.of("status " + r.status()));
                    } catch (NoPresentationContextException | DicomParseException e) {
                        o = new Outcome(files.get(idx), Optional.empty(), Optional.of(e.getMessage()));
                    }
                    outcomes[idx] = o;
                    done[0]++;
                    progress.accept(new Progress(done[0], files.size(), bytes[0], o));
                }
            } catch (DicomNetworkException e) {
                if (i == next) {
                    throw e; // nothing of this group went: the SCP is unreachable or refuses us
                }
                // the association broke: the file in flight and the rest of the group are reported, and the next
                // group gets a fresh association
                for (; i < end; i++) {
                    int idx = sendable.get(i);
                    outcomes[idx] = new Outcome(files.get(idx), Optional.empty(), Optional.of(e.getMessage()));
                    done[0]++;
                    progress.accept(new Progress(done[0], files.size(), bytes[0], outcomes[idx]));
                }
            }
            next = end;
        }
        return new Summary(List.of(outcomes), bytes[0], System.nanoTime() - start);
    }
}

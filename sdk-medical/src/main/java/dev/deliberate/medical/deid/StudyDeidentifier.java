package dev.deliberate.medical.deid;

import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.io.AtomicFiles;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Dicomdir;
import dev.deliberate.medical.dicom.DirectoryRecord;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.VR;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * De-identifies a study (or several) as one run: from a folder tree, a DICOMDIR, single files, or a stream of
 * instances arriving one by one (e.g. from a storage SCP). Every instance goes through one {@link Deidentifier}, so
 * one policy and one key give one consistent set of replacement UIDs; the run keeps a {@link DeidentificationReport}
 * of what happened to every attribute, and counts of what was written, refused, failed or skipped.
 *
 * <p>With an output folder, each instance is written atomically to a name derived only from its new UIDs,
 * {@code OUT/<study>/<series>/<instance>} (each component 8 characters of {@code A-Z2-7} from a hash of the replaced
 * UID, so valid PS3.10 file IDs); no input folder or file name survives. On {@link #close()} the run writes
 * {@code OUT/DICOMDIR} (when asked, or by default when a DICOMDIR was among the inputs), regenerated from the
 * de-identified instances (those that earlier runs with the same key wrote into OUT included), the report as JSON ({@value #REPORT_FILE} unless another path is given) and, only when a
 * mapping file was named, the list of source and output names (which is identifying; it must not be inside OUT).
 *
 * <p>Thread-safe: several network associations may add instances to one run.
 *
 * <pre>{@code
 * try (StudyDeidentifier run = StudyDeidentifier.builder(DeidentificationPolicy.basic(SiteKey.loadOrCreate(keyFile)
 *         .bytes())).output(outDir).build()) {
 *     run.add(Path.of("incoming/study1"));               // a folder, a DICOMDIR or a file
 *     run.write(receivedInstance, "association 7");      // an instance from the network
 * }                                                     // DICOMDIR (if any) and deid-report.json written
 * }</pre>
 */
public final class StudyDeidentifier implements AutoCloseable {
    /** The report's file name in the output folder. */
    public static final String REPORT_FILE = "deid-report.json";
    /** The deepest folder nesting walked. */
    public static final int MAX_FOLDER_DEPTH = 32;

    /** Whether {@link #close()} writes a DICOMDIR. */
    public enum DicomdirMode {
        /** When one of the inputs was a DICOMDIR (or a folder with one). */
        AUTO,
        /** Always (when something was written). */
        ALWAYS,
        /** Never. */
        NEVER
    }

    /** What happened to one input. */
    public enum Status {
        /** De-identified (and written, with an output folder). */
        WRITTEN,
        /** Refused: Burned In Annotation is YES under the REFUSE policy. */
        REFUSED,
        /** Could not be read, de-identified or written; nothing was written for it. */
        FAILED,
        /** Not a DICOM Part 10 file (or a DICOMDIR, which is regenerated); never copied. */
        SKIPPED
    }

    /**
     * The outcome for one input.
     *
     * @param source  the input's name as the caller gave it (a path or a label; identifying, never written to OUT)
     * @param status  what happened
     * @param output  where the instance was written (relative to OUT), when it was
     * @param message why it was refused, failed or skipped; empty when written
     * @param flagged whether it was written although Burned In Annotation is YES (pixels not cleaned)
     */
    public record Outcome(String source, Status status, Optional<Path> output, String message, boolean flagged) {
        /** Validates. */
        public Outcome {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(output, "output");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * One de-identified instance.
     *
     * @param file     the de-identified file (meta rebuilt)
     * @param name     its output name relative to OUT, derived from the new UIDs
     * @param result   the dataset-level result
     */
    public record Deidentified(DicomFile file, Path name, DeidentificationResult result) {
        /** Validates. */
        public Deidentified {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(result, "result");
        }
    }

    private final Deidentifier deid;
    private final Optional<Path> output;
    private final Optional<Path> reportFile;
    private final Optional<Path> mappingFile;
    private final DicomdirMode dicomdirMode;
    private final DicomReader reader;

    private DeidentificationReport report = DeidentificationReport.empty();
    private final List<Outcome> outcomes = new ArrayList<>();
    private final Map<Path, String> written = new LinkedHashMap<>(); // output name -> new SOP Instance UID
    private final Map<String, StudyNode> patients = new LinkedHashMap<>(); // patient key -> studies
    private final List<String[]> mapping = new ArrayList<>();
    private boolean sawDicomdir;
    private boolean closed;

    private StudyDeidentifier(Builder b) {
        this.deid = new Deidentifier(b.policy);
        this.output = Optional.ofNullable(b.output).map(p -> p.toAbsolutePath().normalize());
        this.reportFile = b.noReport ? Optional.empty()
                : Optional.ofNullable(b.reportFile).or(() -> output.map(o -> o.resolve(REPORT_FILE)));
        this.mappingFile = Optional.ofNullable(b.mappingFile);
        this.dicomdirMode = b.dicomdirMode;
        this.reader = b.reader;
        if (mappingFile.isPresent() && output.isPresent()
                && mappingFile.get().toAbsolutePath().normalize().startsWith(output.get())) {
            throw new IllegalArgumentException("the mapping file names the source files (identifying): it must not "
                    + "be inside the output folder " + output.get());
        }
    }

    /** A builder for a run under this policy. */
    public static Builder builder(DeidentificationPolicy policy) {
        return new Builder(policy);
    }

    /** Options of a run. */
    public static final class Builder {
        private final DeidentificationPolicy policy;
        private Path output;
        private Path reportFile;
        private Path mappingFile;
        private DicomdirMode dicomdirMode = DicomdirMode.AUTO;
        private DicomReader reader = DicomReader.standard();
        private boolean noReport;

        private Builder(DeidentificationPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
        }

        /** The output folder (created); without one the run de-identifies in memory only. */
        public Builder output(Path folder) {
            this.output = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /** Where the JSON report goes (default: {@value #REPORT_FILE} in the output folder; none in memory). */
        public Builder report(Path file) {
            this.reportFile = Objects.requireNonNull(file, "file");
            this.noReport = false;
            return this;
        }

        /**
         * No report on close, for a caller that writes it itself with {@link #writeReport(Path)} (e.g. into the
         * study's folder, known only once an instance was written).
         */
        public Builder noReport() {
            this.noReport = true;
            this.reportFile = null;
            return this;
        }

        /** Writes source-to-output names here on close (identifying: keep it apart from the output). */
        public Builder mapping(Path file) {
            this.mappingFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /** Whether a DICOMDIR is written (default {@link DicomdirMode#AUTO}). */
        public Builder dicomdir(DicomdirMode mode) {
            this.dicomdirMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The reader for inputs given as paths (default {@link DicomReader#standard()}). */
        public Builder reader(DicomReader r) {
            this.reader = Objects.requireNonNull(r, "reader");
            return this;
        }

        /** The run. */
        public StudyDeidentifier build() {
            return new StudyDeidentifier(this);
        }
    }

    /** The deidentifier behind this run (its policy and UID remapper). */
    public Deidentifier deidentifier() {
        return deid;
    }

    /**
     * De-identifies one instance in memory, recording it in the report (not written anywhere).
     *
     * @param source a label for messages (e.g. the calling AE title); never written to the output
     * @throws BurnedInAnnotationException when refused (recorded as REFUSED)
     * @throws DeliberateException         when it cannot be de-identified (recorded as FAILED)
     */
    public Deidentified deidentify(DicomFile instance, String source) {
        Deidentified d = attempt(instance, source);
        succeeded(d, new Outcome(source, Status.WRITTEN, Optional.empty(), "", flagged(d)));
        return d;
    }

    private static boolean flagged(Deidentified d) {
        return d.result().burnedInAnnotation() == BurnedInAnnotation.YES;
    }

    /** De-identifies; a refusal or failure is recorded and rethrown. */
    private Deidentified attempt(DicomFile instance, String source) {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(source, "source");
        ensureOpen();
        try {
            Deidentifier.FileResult r = deid.deidentifyWithResult(instance);
            return new Deidentified(r.file(), nameFor(r.file().dataset()), r.result());
        } catch (BurnedInAnnotationException e) {
            record(new Outcome(source, Status.REFUSED, Optional.empty(), e.getMessage(), false));
            throw e;
        } catch (DeliberateException | IllegalArgumentException e) {
            record(new Outcome(source, Status.FAILED, Optional.empty(), e.getMessage(), false));
            throw e;
        }
    }

    /** Counts a de-identified instance in the report: only what was delivered is reported. */
    private synchronized void succeeded(Deidentified d, Outcome o) {
        report = report.merge(d.result().report());
        outcomes.add(o);
        mapping.add(new String[] {o.source(), o.output().map(Path::toString).orElse("")});
    }

    /**
     * De-identifies one instance and writes it atomically under the output folder (an instance arriving from the
     * network, for example). Recorded as WRITTEN, REFUSED or FAILED.
     *
     * @throws IllegalStateException       when the run has no output folder
     * @throws BurnedInAnnotationException when refused
     * @throws DeliberateException         when it cannot be de-identified or encoded
     * @throws IOException                 when writing fails (nothing is left behind)
     */
    public Deidentified write(DicomFile instance, String source) throws IOException {
        Path out = output.orElseThrow(() -> new IllegalStateException("this run has no output folder"));
        Deidentified d = attempt(instance, source);
        Path target = out.resolve(d.name());
        String sop = d.file().dataset().getString(Tags.SOPInstanceUID).orElse("");
        try {
            synchronized (this) {
                String before = written.get(d.name());
                if (before != null && !before.equals(sop)) {
                    throw new DeidentificationException("output name " + d.name() + " is already taken by another "
                            + "instance of this run (hash collision); not written");
                }
                written.put(d.name(), sop);
            }
            Files.createDirectories(target.getParent());
            DicomWriter.standard().write(d.file(), target);
        } catch (IOException | DeliberateException | IllegalArgumentException e) {
            synchronized (this) {
                written.remove(d.name(), sop);
            }
            record(new Outcome(source, Status.FAILED, Optional.empty(), e.getMessage(), false));
            throw e;
        }
        synchronized (this) {
            addToDirectory(d, patientPseudonym(instance.dataset(), d.file().dataset()));
            succeeded(d, new Outcome(source, Status.WRITTEN, Optional.of(d.name()), "", flagged(d)));
        }
        return d;
    }

    /**
     * De-identifies one file into a target file the caller names (the one case where the output name is not derived
     * from the new UIDs: the caller chose it). Recorded like any other input; never throws for a bad input.
     */
    public synchronized Outcome add(Path file, Path target) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(target, "target");
        ensureOpen();
        String source = file.toString();
        if (!Files.isRegularFile(file) || !isPart10(file)) {
            return recorded(new Outcome(source, Status.FAILED, Optional.empty(), Files.isRegularFile(file)
                    ? NOT_PART10 : "not a regular file", false));
        }
        DicomFile in;
        try {
            in = reader.read(file);
        } catch (DeliberateException | IOException | IllegalArgumentException e) {
            return recorded(new Outcome(source, Status.FAILED, Optional.empty(), e.getMessage(), false));
        }
        if (isDicomdir(in)) {
            return recorded(new Outcome(source, Status.FAILED, Optional.empty(), "a DICOMDIR: give an output folder",
                    false));
        }
        Deidentified d;
        try {
            d = attempt(in, source);
        } catch (DeliberateException | IllegalArgumentException e) {
            return lastOutcome();
        }
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            DicomWriter.standard().write(d.file(), target);
        } catch (DeliberateException | IOException | IllegalArgumentException e) {
            return recorded(new Outcome(source, Status.FAILED, Optional.empty(), e.getMessage(), false));
        }
        Outcome o = new Outcome(source, Status.WRITTEN, Optional.of(target), "", flagged(d));
        succeeded(d, o);
        return o;
    }

    private Outcome recorded(Outcome o) {
        record(o);
        return o;
    }

    private synchronized Outcome lastOutcome() {
        return outcomes.get(outcomes.size() - 1);
    }

    private static final String NOT_PART10 = "not a DICOM Part 10 file (no 'DICM' prefix after a 128-byte "
            + "preamble; an empty file or a bare dataset is not accepted)";

    /**
     * Adds a file, a folder tree (every regular file in it, sorted; DICOMDIR files in it are not followed, the
     * instances are found by the walk) or a DICOMDIR (the files its records reference). Each input's outcome is
     * recorded and returned; one failing input never stops the others.
     *
     * @throws IllegalArgumentException when the input does not exist or contains the output folder
     * @throws IOException              when a folder cannot be walked
     */
    public List<Outcome> add(Path input) throws IOException {
        Objects.requireNonNull(input, "input");
        ensureOpen();
        if (!Files.exists(input)) {
            throw new IllegalArgumentException("input does not exist: " + input);
        }
        Path abs = input.toAbsolutePath().normalize();
        if (output.isPresent() && (output.get().startsWith(abs) || abs.startsWith(output.get()))) {
            throw new IllegalArgumentException("the output folder and the input must not contain each other: "
                    + "de-identification never writes into its input");
        }
        List<Outcome> out = new ArrayList<>();
        if (Files.isDirectory(input)) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(input, MAX_FOLDER_DEPTH)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path f : files) {
                out.add(addFile(f, false));
            }
        } else if (isDicomdir(input)) {
            synchronized (this) {
                sawDicomdir = true;
            }
            Dicomdir dir = Dicomdir.read(input, reader);
            for (DirectoryRecord r : dir.allRecords()) {
                Optional<Path> f = dir.file(r);
                if (f.isPresent()) {
                    out.add(addFile(f.get(), false));
                }
            }
        } else {
            out.add(addFile(input, true));
        }
        return out;
    }

    private synchronized Outcome addFile(Path f, boolean named) {
        String source = f.toString();
        if (!isPart10(f)) {
            Outcome o = new Outcome(source, Status.SKIPPED, Optional.empty(), NOT_PART10 + ", not copied", false);
            if (named) {
                o = new Outcome(source, Status.FAILED, Optional.empty(), o.message(), false);
            }
            record(o);
            return o;
        }
        DicomFile in;
        try {
            in = reader.read(f);
        } catch (DeliberateException | IOException | IllegalArgumentException e) {
            Outcome o = new Outcome(source, Status.FAILED, Optional.empty(), e.getMessage(), false);
            record(o);
            return o;
        }
        if (isDicomdir(in)) {
            synchronized (this) {
                sawDicomdir = true;
            }
            Outcome o = new Outcome(source, Status.SKIPPED, Optional.empty(), "a DICOMDIR: regenerated from the "
                    + "de-identified instances, not copied", false);
            record(o);
            return o;
        }
        try {
            if (output.isPresent()) {
                write(in, source);
            } else {
                deidentify(in, source);
            }
        } catch (DeliberateException | IOException | IllegalArgumentException e) {
            // recorded by write/deidentify
        }
        synchronized (this) {
            return outcomes.get(outcomes.size() - 1);
        }
    }

    /** Whether a file starts with a 128-byte preamble and "DICM". */
    public static boolean isPart10(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] head = in.readNBytes(132);
            return head.length == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
        } catch (IOException e) {
            return true; // let the reader report the I/O problem
        }
    }

    private static boolean isDicomdir(DicomFile f) {
        return f.fileMeta().getString(Tags.MediaStorageSOPClassUID).orElse("")
                .equals(Dicomdir.MEDIA_STORAGE_DIRECTORY_CLASS_UID);
    }

    private boolean isDicomdir(Path p) throws IOException {
        if (!isPart10(p)) {
            return false;
        }
        try {
            return isDicomdir(new DicomReader(dev.deliberate.medical.dicom.DicomReadOptions.defaults()
                    .withStopBeforePixels(true)).read(p));
        } catch (DeliberateException e) {
            return false; // reported when it is read as an instance
        }
    }

    private void record(Outcome o) {
        synchronized (this) {
            outcomes.add(o);
        }
    }

    private void ensureOpen() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("this run is closed");
            }
        }
    }

    /** The report so far. */
    public synchronized DeidentificationReport report() {
        return report;
    }

    /** The outcomes so far, in order. */
    public synchronized List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** How many inputs had this status so far. */
    public synchronized int count(Status status) {
        int n = 0;
        for (Outcome o : outcomes) {
            if (o.status() == status) {
                n++;
            }
        }
        return n;
    }

    /** Where the report is written on close, if anywhere. */
    public Optional<Path> reportFile() {
        return reportFile;
    }

    /** The output name of a de-identified dataset: hashed components of its new Study, Series and SOP UIDs. */
    static Path nameFor(DicomObject ds) {
        return Path.of(component(ds.getString(Tags.StudyInstanceUID).orElse("")),
                component(ds.getString(Tags.SeriesInstanceUID).orElse("")),
                component(ds.getString(Tags.SOPInstanceUID).orElse("")));
    }

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    /** 8 characters of base32 (A-Z, 2-7) of SHA-256 of the UID: 40 bits, a valid PS3.10 file ID component. */
    static String component(String uid) {
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-256").digest(uid.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
        long v = 0;
        for (int i = 0; i < 5; i++) {
            v = v << 8 | (h[i] & 0xFF);
        }
        char[] c = new char[8];
        for (int i = 7; i >= 0; i--) {
            c[i] = BASE32[(int) (v & 31)];
            v >>>= 5;
        }
        return new String(c);
    }

    // ---- DICOMDIR bookkeeping ----

    private static final class StudyNode {
        final DicomObject patient;
        final Map<String, SeriesNode> studies = new LinkedHashMap<>();

        StudyNode(DicomObject patient) {
            this.patient = patient;
        }
    }

    private static final class SeriesNode {
        final DicomObject study;
        final Map<String, List<DicomObject>> series = new LinkedHashMap<>();
        final Map<String, DicomObject> seriesRecords = new LinkedHashMap<>();

        SeriesNode(DicomObject study) {
            this.study = study;
        }
    }

    /**
     * The DICOMDIR's patient key: the de-identified Patient ID when it has one, else a keyed pseudonym (HMAC under the
     * run's key) of the source Patient ID, so the directory keeps the source's grouping of studies by patient without
     * the ID; without a source ID, a pseudonym of the new Study UID.
     */
    private String patientPseudonym(DicomObject source, DicomObject deidentified) {
        Optional<String> kept = deidentified.getString(Tags.PatientID).filter(s -> !s.isBlank());
        if (kept.isPresent()) {
            return kept.get();
        }
        String basis = source.getString(Tags.PatientID).filter(s -> !s.isBlank()).map(s -> "patient:" + s.strip())
                .orElse("study:" + deidentified.getString(Tags.StudyInstanceUID).orElse(""));
        return "ANON" + component(deid.uidRemapper().remap(basis));
    }

    private void addToDirectory(Deidentified d, String patientId) {
        DicomObject ds = d.file().dataset();
        String studyUid = ds.getString(Tags.StudyInstanceUID).orElse("");
        String seriesUid = ds.getString(Tags.SeriesInstanceUID).orElse("");
        StudyNode p = patients.computeIfAbsent(patientId, k -> new StudyNode(DicomObject.builder()
                .setString(Tags.PatientName, VR.PN, ds.getString(Tags.PatientName).orElse(""))
                .setString(Tags.PatientID, VR.LO, k).build()));
        SeriesNode s = p.studies.computeIfAbsent(studyUid, k -> new SeriesNode(DicomObject.builder()
                .setString(Tags.StudyDate, VR.DA, nonEmpty(ds, Tags.StudyDate, "19000101"))
                .setString(Tags.StudyTime, VR.TM, nonEmpty(ds, Tags.StudyTime, "000000"))
                .setString(Tags.StudyDescription, VR.LO, ds.getString(Tags.StudyDescription).orElse(""))
                .setString(Tags.StudyInstanceUID, VR.UI, k)
                .setString(Tags.StudyID, VR.SH, nonEmpty(ds, Tags.StudyID, "ANONYMIZED"))
                .setString(Tags.AccessionNumber, VR.SH, ds.getString(Tags.AccessionNumber).orElse("")).build()));
        s.seriesRecords.computeIfAbsent(seriesUid, k -> DicomObject.builder()
                .setString(Tags.Modality, VR.CS, nonEmpty(ds, Tags.Modality, "OT"))
                .setString(Tags.SeriesInstanceUID, VR.UI, k)
                .setString(Tags.SeriesNumber, VR.IS, nonEmpty(ds, Tags.SeriesNumber, "0")).build());
        List<String> fileId = new ArrayList<>();
        for (Path c : d.name()) {
            fileId.add(c.toString());
        }
        DicomObject image = DicomObject.builder()
                .setString(Tags.ReferencedFileID, VR.CS, fileId.toArray(new String[0]))
                .setString(Tags.ReferencedSOPClassUIDInFile, VR.UI, ds.getString(Tags.SOPClassUID).orElse(""))
                .setString(Tags.ReferencedSOPInstanceUIDInFile, VR.UI, ds.getString(Tags.SOPInstanceUID).orElse(""))
                .setString(Tags.ReferencedTransferSyntaxUIDInFile, VR.UI,
                        DicomWriter.standard().transferSyntaxFor(d.file()).uid())
                .setString(Tags.InstanceNumber, VR.IS, nonEmpty(ds, Tags.InstanceNumber, "0")).build();
        List<DicomObject> images = s.series.computeIfAbsent(seriesUid, k -> new ArrayList<>());
        String sop = ds.getString(Tags.SOPInstanceUID).orElse("");
        images.removeIf(i -> i.getString(Tags.ReferencedSOPInstanceUIDInFile).orElse("").equals(sop));
        images.add(image.toBuilder().setString(Tags.DirectoryRecordType, VR.CS, recordType(ds)).build());
    }

    private static String nonEmpty(DicomObject ds, int tag, String dummy) {
        return ds.getString(tag).filter(v -> !v.isBlank()).orElse(dummy);
    }

    /** The directory record type for an instance's SOP class (PS3.3 F.5). */
    static String recordType(DicomObject ds) {
        String c = ds.getString(Tags.SOPClassUID).orElse("");
        if (c.startsWith("1.2.840.10008.5.1.4.1.1.88.")) {
            return "SR DOCUMENT";
        }
        if (c.startsWith("1.2.840.10008.5.1.4.1.1.11.")) {
            return "PRESENTATION";
        }
        if (c.startsWith("1.2.840.10008.5.1.4.1.1.9.")) {
            return "WAVEFORM";
        }
        if (c.startsWith("1.2.840.10008.5.1.4.1.1.104.")) {
            return "ENCAP DOC";
        }
        switch (c) {
            case "1.2.840.10008.5.1.4.1.1.481.2": return "RT DOSE";
            case "1.2.840.10008.5.1.4.1.1.481.3": return "RT STRUCTURE SET";
            case "1.2.840.10008.5.1.4.1.1.481.5": return "RT PLAN";
            case "1.2.840.10008.5.1.4.1.1.481.4": return "RT TREAT RECORD";
            default: return "IMAGE";
        }
    }

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile(
            "[A-Z2-7]{8}/[A-Z2-7]{8}/[A-Z2-7]{8}");

    /**
     * Instances that earlier runs (with the same key) wrote into this output folder stay in the regenerated
     * DICOMDIR, under the patient record the earlier DICOMDIR gave their study.
     */
    private void addEarlierRuns(Path out) throws IOException {
        Map<String, String> patientOfStudy = new java.util.HashMap<>();
        Path old = out.resolve("DICOMDIR");
        if (Files.isRegularFile(old)) {
            try {
                for (DirectoryRecord p : Dicomdir.read(old, reader).roots()) {
                    String pid = p.attributes().getString(Tags.PatientID).orElse("");
                    for (DirectoryRecord st : p.children()) {
                        st.attributes().getString(Tags.StudyInstanceUID).ifPresent(u -> patientOfStudy.put(u, pid));
                    }
                }
            } catch (DeliberateException e) {
                // an unreadable earlier DICOMDIR is replaced; its instances are still found below
            }
        }
        List<Path> files;
        try (Stream<Path> st = Files.walk(out, 3)) {
            files = st.filter(Files::isRegularFile)
                    .filter(f -> NAME.matcher(out.relativize(f).toString().replace('\\', '/')).matches())
                    .filter(f -> !written.containsKey(out.relativize(f))).sorted().toList();
        }
        DicomReader headers = new DicomReader(reader.options().withStopBeforePixels(true));
        for (Path f : files) {
            try {
                DicomFile df = headers.read(f);
                DicomObject ds = df.dataset();
                Path rel = out.relativize(f);
                if (!nameFor(ds).equals(rel)) {
                    continue; // not a file this SDK named
                }
                String study = ds.getString(Tags.StudyInstanceUID).orElse("");
                String pid = patientOfStudy.getOrDefault(study, "ANON" + component(deid.uidRemapper().remap(
                        "study:" + study)));
                addToDirectory(new Deidentified(df, rel, new DeidentificationResult(ds, BurnedInAnnotation.UNKNOWN,
                        0, 0, 0, 0, DeidentificationReport.empty())), pid);
                written.put(rel, ds.getString(Tags.SOPInstanceUID).orElse(""));
            } catch (DeliberateException e) {
                // not readable as DICOM: not ours, left out of the directory
            }
        }
    }

    private DicomFile dicomdir() {
        List<DirectoryRecord> roots = new ArrayList<>();
        for (StudyNode p : patients.values()) {
            List<DirectoryRecord> studies = new ArrayList<>();
            for (Map.Entry<String, SeriesNode> st : p.studies.entrySet()) {
                List<DirectoryRecord> series = new ArrayList<>();
                for (Map.Entry<String, List<DicomObject>> se : st.getValue().series.entrySet()) {
                    List<DirectoryRecord> images = new ArrayList<>();
                    for (DicomObject i : se.getValue()) {
                        images.add(new DirectoryRecord(i.getString(Tags.DirectoryRecordType).orElse("IMAGE"), i, -1,
                                List.of()));
                    }
                    series.add(new DirectoryRecord("SERIES", st.getValue().seriesRecords.get(se.getKey()), -1,
                            images));
                }
                studies.add(new DirectoryRecord("STUDY", st.getValue().study, -1, series));
            }
            roots.add(new DirectoryRecord("PATIENT", p.patient, -1, studies));
        }
        String uid = deid.uidRemapper().remap("fileset:" + String.join(",", written.values()));
        return Dicomdir.create("DEID", uid, roots);
    }

    /**
     * Finishes the run: writes the DICOMDIR (per {@link DicomdirMode}), the JSON report and the mapping file (only
     * when one was named). Idempotent.
     *
     * @throws IOException when one of them cannot be written
     */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (output.isPresent() && !written.isEmpty() && (dicomdirMode == DicomdirMode.ALWAYS
                || (dicomdirMode == DicomdirMode.AUTO && sawDicomdir))) {
            addEarlierRuns(output.get());
            DicomWriter.standard().write(dicomdir(), output.get().resolve("DICOMDIR"));
        }
        if (reportFile.isPresent()) {
            Path r = reportFile.get();
            Path parent = r.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            AtomicFiles.write(r, o -> o.write(reportJson().getBytes(StandardCharsets.UTF_8)));
        }
        if (mappingFile.isPresent()) {
            StringBuilder sb = new StringBuilder("# source\toutput (identifying: keep apart from the output)\n");
            for (String[] m : mapping) {
                sb.append(m[0].replace('\t', ' ').replace('\n', ' ')).append('\t').append(m[1]).append('\n');
            }
            Path f = mappingFile.get();
            Path parent = f.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            AtomicFiles.write(f, o -> o.write(sb.toString().getBytes(StandardCharsets.UTF_8)));
            try {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: permissions are the platform's default
            }
        }
    }

    /**
     * Writes {@link #reportJson()} atomically to a file (its folder created), at any time.
     *
     * @throws IOException when it cannot be written
     */
    public void writeReport(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String json = reportJson();
        AtomicFiles.write(file, o -> o.write(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** The report of this run as JSON: the policy, the counts of outcomes and the attribute report. */
    public synchronized String reportJson() {
        com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
        try {
            com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode)
                    om.readTree(report.toJson());
            com.fasterxml.jackson.databind.node.ObjectNode head = om.createObjectNode();
            head.put("profile", Deidentifier.METHOD_TEXT);
            head.put("table", ProfileTable.standard().source());
            com.fasterxml.jackson.databind.node.ArrayNode opts = head.putArray("options");
            deid.policy().options().stream().map(Enum::name).sorted().forEach(opts::add);
            head.put("keyFingerprint", SiteKey.fingerprint(deid.policy().salt()));
            com.fasterxml.jackson.databind.node.ObjectNode inst = head.putObject("instances");
            for (Status s : Status.values()) {
                inst.put(s.name(), count(s));
            }
            head.setAll(root);
            return om.writerWithDefaultPrettyPrinter().writeValueAsString(head);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The outcomes that were not written, for messages. */
    public synchronized List<Outcome> problems() {
        List<Outcome> p = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.status() != Status.WRITTEN) {
                p.add(o);
            }
        }
        return Collections.unmodifiableList(p);
    }
}

package dev.deliberate.medical.sr;

import dev.deliberate.medical.dicom.DicomElement;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.TransferSyntax;
import dev.deliberate.medical.dicom.VR;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Writes a {@link DiagnosticReport} as a Comprehensive SR document (1.2.840.10008.5.1.4.1.1.88.33) following TID 2000
 * Basic Diagnostic Imaging Report: root container (18748-4, LN, "Diagnostic Imaging Report") with the language of
 * content (TID 1204), a device observer context (TID 1002/1004), and Findings (121070) and Impressions (121072)
 * containers holding TEXT items Finding (121071) and Impression (121073).
 *
 * <p>The Patient and General Study modules are copied from the source instances (pass de-identified sources to get a
 * de-identified report); the source instances are listed in the Current Requested Procedure Evidence Sequence by
 * study, series and instance. The document gets a new series and SOP instance UID, Completion Flag from the report,
 * Verification Flag UNVERIFIED (a device cannot verify). Immutable and thread-safe.
 *
 * <pre>{@code
 * DiagnosticReport report = DiagnosticReport.of(List.of("No acute abnormality."), List.of("Normal study."),
 *         ObserverDevice.of("2.25.1234", "DeepSeek-R1-Distill-Qwen-7B"));
 * new StructuredReportWriter().write(report, List.of(ctSlice), Path.of("report.dcm"));
 * }</pre>
 */
public final class StructuredReportWriter {
    /** Comprehensive SR Storage. */
    public static final String COMPREHENSIVE_SR = "1.2.840.10008.5.1.4.1.1.88.33";

    private static final int[] PATIENT = {Tags.PatientName, Tags.PatientID, Tags.IssuerOfPatientID,
        Tags.PatientBirthDate, Tags.PatientSex, Tags.OtherPatientIDsSequence, Tags.PatientIdentityRemoved,
        Tags.DeidentificationMethod, Tags.DeidentificationMethodCodeSequence, Tags.PatientAge, Tags.PatientSize,
        Tags.PatientWeight, Tags.LongitudinalTemporalInformationModified};
    private static final int[] STUDY = {Tags.StudyInstanceUID, Tags.StudyDate, Tags.StudyTime,
        Tags.ReferringPhysicianName, Tags.StudyID, Tags.AccessionNumber, Tags.StudyDescription};
    private static final int[] TYPE2 = {Tags.PatientName, Tags.PatientID, Tags.PatientBirthDate, Tags.PatientSex,
        Tags.StudyDate, Tags.StudyTime, Tags.ReferringPhysicianName, Tags.StudyID, Tags.AccessionNumber};

    private final Clock clock;
    private final String manufacturer;

    /** A writer using the system clock, recording "Deliberate" as manufacturer. */
    public StructuredReportWriter() {
        this(Clock.systemDefaultZone(), "Deliberate");
    }

    /**
     * @param clock        the clock for Content Date/Time and Instance Creation Date/Time
     * @param manufacturer the General Equipment Manufacturer
     */
    public StructuredReportWriter(Clock clock, String manufacturer) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.manufacturer = Objects.requireNonNull(manufacturer, "manufacturer");
    }

    /**
     * Builds the SR dataset.
     *
     * @param sources the instances the report is about (at least one, all of one study)
     * @throws IllegalArgumentException when there is no source, a source lacks its UIDs, or sources span studies
     */
    public DicomObject build(DiagnosticReport report, Collection<DicomObject> sources) {
        Objects.requireNonNull(report, "report");
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("the report needs at least one source instance");
        }
        DicomObject first = sources.iterator().next();
        String study = uid(first, Tags.StudyInstanceUID, "Study Instance UID");
        DicomObject.Builder b = DicomObject.builder();
        for (int t : PATIENT) {
            first.get(t).ifPresent(b::set);
        }
        for (int t : STUDY) {
            first.get(t).ifPresent(b::set);
        }
        for (int t : TYPE2) {
            if (!b.contains(t)) {
                b.set(DicomElement.ofBytes(t, dev.deliberate.medical.dicom.DataDictionary.standard().vr(t)
                        .orElseThrow(), new byte[0]));
            }
        }
        boolean unicode = !first.specificCharacterSet().isDefault() || !isAscii(report);
        if (unicode) {
            b.setString(Tags.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        }
        ZonedDateTime now = ZonedDateTime.now(clock);
        String date = now.format(DateTimeFormatter.BASIC_ISO_DATE).substring(0, 8);
        String time = now.format(DateTimeFormatter.ofPattern("HHmmss"));
        String instance = newUid();
        // SOP Common
        b.setString(Tags.SOPClassUID, VR.UI, COMPREHENSIVE_SR).setString(Tags.SOPInstanceUID, VR.UI, instance)
                .setString(Tags.InstanceCreationDate, VR.DA, date).setString(Tags.InstanceCreationTime, VR.TM, time);
        // SR Document Series
        b.setString(Tags.Modality, VR.CS, "SR").setString(Tags.SeriesInstanceUID, VR.UI, newUid())
                .setString(Tags.SeriesNumber, VR.IS, "999")
                .setSequence(Tags.ReferencedPerformedProcedureStepSequence, List.of());
        // General Equipment
        b.setString(Tags.Manufacturer, VR.LO, manufacturer);
        // SR Document General
        b.setString(Tags.InstanceNumber, VR.IS, "1")
                .setString(Tags.CompletionFlag, VR.CS, report.completion().name())
                .setString(Tags.VerificationFlag, VR.CS, "UNVERIFIED")
                .setString(Tags.ContentDate, VR.DA, date).setString(Tags.ContentTime, VR.TM, time)
                .setSequence(Tags.PerformedProcedureCodeSequence, List.of())
                .setSequence(Tags.CurrentRequestedProcedureEvidenceSequence, List.of(evidence(study, sources)));
        // SR Document Content: the root content item
        b.setString(Tags.ValueType, VR.CS, "CONTAINER")
                .setSequence(Tags.ConceptNameCodeSequence, List.of(code("18748-4", "LN",
                        "Diagnostic Imaging Report")))
                .setString(Tags.ContinuityOfContent, VR.CS, "SEPARATE")
                .setSequence(Tags.ContentTemplateSequence, List.of(DicomObject.builder()
                        .setString(Tags.MappingResource, VR.CS, "DCMR")
                        .setString(Tags.TemplateIdentifier, VR.CS, "2000").build()))
                .setSequence(Tags.ContentSequence, content(report));
        return b.build();
    }

    /**
     * Builds the SR and writes it as a Part 10 file (explicit VR little endian), atomically.
     *
     * @throws IOException when writing fails (the target is then untouched)
     */
    public void write(DiagnosticReport report, Collection<DicomObject> sources, Path target) throws IOException {
        DicomObject sr = build(report, sources);
        DicomWriter.standard().write(new DicomFile(DicomObject.empty(), sr, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN),
                target);
    }

    /** Builds and writes an SR about one source instance. */
    public void write(DiagnosticReport report, DicomObject source, Path target) throws IOException {
        write(report, List.of(source), target);
    }

    private static DicomObject evidence(String study, Collection<DicomObject> sources) {
        Map<String, List<DicomObject>> bySeries = new LinkedHashMap<>();
        for (DicomObject s : sources) {
            if (!uid(s, Tags.StudyInstanceUID, "Study Instance UID").equals(study)) {
                throw new IllegalArgumentException("all source instances must belong to one study");
            }
            DicomObject ref = DicomObject.builder()
                    .setString(Tags.ReferencedSOPClassUID, VR.UI, uid(s, Tags.SOPClassUID, "SOP Class UID"))
                    .setString(Tags.ReferencedSOPInstanceUID, VR.UI, uid(s, Tags.SOPInstanceUID, "SOP Instance UID"))
                    .build();
            bySeries.computeIfAbsent(uid(s, Tags.SeriesInstanceUID, "Series Instance UID"), k -> new ArrayList<>())
                    .add(ref);
        }
        List<DicomObject> series = new ArrayList<>();
        bySeries.forEach((uid, refs) -> series.add(DicomObject.builder()
                .setString(Tags.SeriesInstanceUID, VR.UI, uid)
                .setSequence(Tags.ReferencedSOPSequence, refs).build()));
        return DicomObject.builder().setString(Tags.StudyInstanceUID, VR.UI, study)
                .setSequence(Tags.ReferencedSeriesSequence, series).build();
    }

    private static List<DicomObject> content(DiagnosticReport r) {
        List<DicomObject> root = new ArrayList<>();
        root.add(item("HAS CONCEPT MOD", "CODE", code("121049", "DCM", "Language of Content Item and Descendants"))
                .setSequence(Tags.ConceptCodeSequence, List.of(code(r.language().tag(), "RFC5646",
                        r.language().meaning()))).build());
        ObserverDevice d = r.observer();
        root.add(item("HAS OBS CONTEXT", "CODE", code("121005", "DCM", "Observer Type"))
                .setSequence(Tags.ConceptCodeSequence, List.of(code("121007", "DCM", "Device"))).build());
        root.add(item("HAS OBS CONTEXT", "UIDREF", code("121012", "DCM", "Device Observer UID"))
                .setString(Tags.UID, VR.UI, d.uid()).build());
        d.name().ifPresent(v -> root.add(text("HAS OBS CONTEXT", code("121013", "DCM", "Device Observer Name"),
                v)));
        d.manufacturer().ifPresent(v -> root.add(text("HAS OBS CONTEXT", code("121014", "DCM",
                "Device Observer Manufacturer"), v)));
        d.modelName().ifPresent(v -> root.add(text("HAS OBS CONTEXT", code("121015", "DCM",
                "Device Observer Model Name"), v)));
        d.serialNumber().ifPresent(v -> root.add(text("HAS OBS CONTEXT", code("121016", "DCM",
                "Device Observer Serial Number"), v)));
        if (!r.findings().isEmpty()) {
            root.add(section(code("121070", "DCM", "Findings"), code("121071", "DCM", "Finding"), r.findings()));
        }
        if (!r.impressions().isEmpty()) {
            root.add(section(code("121072", "DCM", "Impressions"), code("121073", "DCM", "Impression"),
                    r.impressions()));
        }
        return root;
    }

    private static DicomObject section(DicomObject heading, DicomObject concept, List<String> texts) {
        List<DicomObject> children = new ArrayList<>();
        for (String t : texts) {
            children.add(text("CONTAINS", concept, t));
        }
        return item("CONTAINS", "CONTAINER", heading).setString(Tags.ContinuityOfContent, VR.CS, "SEPARATE")
                .setSequence(Tags.ContentSequence, children).build();
    }

    private static DicomObject text(String relationship, DicomObject concept, String value) {
        return item(relationship, "TEXT", concept).setString(Tags.TextValue, VR.UT, value).build();
    }

    private static DicomObject.Builder item(String relationship, String valueType, DicomObject concept) {
        return DicomObject.builder().setString(Tags.RelationshipType, VR.CS, relationship)
                .setString(Tags.ValueType, VR.CS, valueType)
                .setSequence(Tags.ConceptNameCodeSequence, List.of(concept));
    }

    private static DicomObject code(String value, String scheme, String meaning) {
        return DicomObject.builder().setString(Tags.CodeValue, VR.SH, value)
                .setString(Tags.CodingSchemeDesignator, VR.SH, scheme)
                .setString(Tags.CodeMeaning, VR.LO, meaning).build();
    }

    private static String uid(DicomObject ds, int tag, String name) {
        return ds.getString(tag).map(String::strip).filter(s -> !s.isEmpty())
                .orElseThrow(() -> new IllegalArgumentException("source instance has no " + name));
    }

    private static boolean isAscii(DiagnosticReport r) {
        List<String> all = new ArrayList<>(r.findings());
        all.addAll(r.impressions());
        r.observer().name().ifPresent(all::add);
        r.observer().manufacturer().ifPresent(all::add);
        r.observer().modelName().ifPresent(all::add);
        r.observer().serialNumber().ifPresent(all::add);
        all.add(r.language().meaning());
        return all.stream().allMatch(s -> s.chars().allMatch(c -> c < 0x80));
    }

    /** A new UUID-derived UID (PS3.5 B.2). */
    static String newUid() {
        UUID u = UUID.randomUUID();
        ByteBuffer bb = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, bb.array());
    }
}

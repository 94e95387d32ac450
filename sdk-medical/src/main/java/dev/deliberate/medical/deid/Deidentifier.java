package dev.deliberate.medical.deid;

import dev.deliberate.medical.dicom.DicomElement;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.Sequence;
import dev.deliberate.medical.dicom.Tag;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.VR;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Applies the PS3.15 Annex E Basic Application Level Confidentiality Profile, with the options of a
 * {@link DeidentificationPolicy}, to a dataset: every attribute of Table E.1-1 (generated from the standard, see
 * {@code basic-profile.tsv}) is removed (X), emptied (Z), given a VR-valid dummy value (D), kept (K), cleaned (C) or
 * given a replacement UID (U), at every nesting level; private attributes are removed unless the Retain Safe Private
 * option names them. Attributes the table does not list are kept (sequence items are still processed).
 *
 * <p>Compound actions ({@code X/Z}, {@code X/D}, {@code Z/D}, {@code X/Z/D}, {@code X/Z/U*}) take their first action
 * unless the IOD needs the attribute: the deidentifier knows the cases where the common IODs make these attributes
 * Type 1 or 2 (listed in docs/deidentification.md) and otherwise takes the first action, which is always the more
 * protective one.
 *
 * <p>Adds Patient Identity Removed = YES, De-identification Method, De-identification Method Code Sequence (CID 7050
 * codes) and Longitudinal Temporal Information Modified. Pixel data is never altered. Immutable and thread-safe.
 *
 * <pre>{@code
 * Deidentifier deid = new Deidentifier(DeidentificationPolicy.basic(secretSalt)
 *         .withOption(DeidentificationOption.CLEAN_DESCRIPTORS));
 * DicomObject safe = deid.deidentify(file.dataset()).dataset();
 * }</pre>
 */
public final class Deidentifier {

    /** The deepest sequence nesting processed; deeper input is refused. */
    public static final int MAX_DEPTH = 64;

    /** The text recorded in De-identification Method (0012,0063). */
    public static final String METHOD_TEXT = "Deliberate: PS3.15 E Basic Profile";


    private final DeidentificationPolicy policy;
    private final UidRemapper uids;
    private final ProfileTable table = ProfileTable.standard();

    /** A deidentifier applying this policy. */
    public Deidentifier(DeidentificationPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.uids = new UidRemapper(policy.salt());
    }

    /** The policy. */
    public DeidentificationPolicy policy() {
        return policy;
    }

    /** The UID remapper this deidentifier uses (same salt), for callers that must remap references themselves. */
    public UidRemapper uidRemapper() {
        return uids;
    }

    /**
     * De-identifies a dataset.
     *
     * @throws BurnedInAnnotationException when Burned In Annotation is YES under
     *                                     {@link BurnedInAnnotationHandling#REFUSE}
     * @throws DeidentificationException   when sequences nest deeper than {@link #MAX_DEPTH}
     */
    public DeidentificationResult deidentify(DicomObject dataset) {
        Objects.requireNonNull(dataset, "dataset");
        BurnedInAnnotation burned = burnedIn(dataset);
        if (burned == BurnedInAnnotation.YES && policy.burnedInAnnotation() == BurnedInAnnotationHandling.REFUSE) {
            throw new BurnedInAnnotationException("Burned In Annotation (0028,0301) is YES: the pixels may show "
                    + "identifying text, which the Basic Profile does not remove; refusing");
        }
        Run run = new Run(dataset);
        DicomObject.Builder out = process(dataset, run, 0).toBuilder();
        addMarkers(dataset, out);
        return new DeidentificationResult(out.build(), burned, run.removed, run.replaced, run.uids, run.cleaned,
                run.report.build());
    }

    /**
     * De-identifies a Part 10 file's dataset and rebuilds its file meta from what the output needs: Media Storage SOP
     * Class UID and Media Storage SOP Instance UID from the de-identified dataset (so (0002,0003) always equals the
     * replaced (0008,0018)), and the transfer syntax. Everything else of the source meta (source, sending and
     * receiving AE titles and presentation addresses, private information, the source's implementation) is dropped;
     * the writer adds this SDK's implementation class UID and version name.
     *
     * @throws BurnedInAnnotationException as {@link #deidentify(DicomObject)}
     * @throws DeidentificationException   when the de-identified dataset lacks its SOP Class or Instance UID
     */
    public DicomFile deidentify(DicomFile file) {
        return deidentifyWithResult(file).file();
    }

    /**
     * As {@link #deidentify(DicomFile)}, also returning the dataset-level result (counts, report).
     *
     * @throws BurnedInAnnotationException as {@link #deidentify(DicomObject)}
     */
    public FileResult deidentifyWithResult(DicomFile file) {
        Objects.requireNonNull(file, "file");
        DeidentificationResult r = deidentify(file.dataset());
        return new FileResult(new DicomFile(fileMetaFor(r.dataset()), r.dataset(), file.transferSyntax()), r);
    }

    /**
     * A de-identified Part 10 file and the result behind it.
     *
     * @param file   the file, with its rebuilt meta
     * @param result the dataset-level result
     */
    public record FileResult(DicomFile file, DeidentificationResult result) {
        /** Validates. */
        public FileResult {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(result, "result");
        }
    }

    /** The file meta for a de-identified dataset: only what PS3.10 requires, taken from the dataset itself. */
    static DicomObject fileMetaFor(DicomObject deidentified) {
        String cls = deidentified.getString(Tags.SOPClassUID).orElseThrow(() -> new DeidentificationException(
                "the dataset has no SOP Class UID (0008,0016): cannot make its file meta"));
        String inst = deidentified.getString(Tags.SOPInstanceUID).orElseThrow(() -> new DeidentificationException(
                "the dataset has no SOP Instance UID (0008,0018): cannot make its file meta"));
        return DicomObject.builder().setString(Tags.MediaStorageSOPClassUID, VR.UI, cls)
                .setString(Tags.MediaStorageSOPInstanceUID, VR.UI, inst).build();
    }

    private static BurnedInAnnotation burnedIn(DicomObject ds) {
        Optional<String> v = ds.getString(Tags.BurnedInAnnotation).map(s -> s.strip().toUpperCase(Locale.ROOT));
        if (v.isEmpty()) {
            return BurnedInAnnotation.UNKNOWN;
        }
        return v.get().equals("YES") ? BurnedInAnnotation.YES
                : v.get().equals("NO") ? BurnedInAnnotation.NO : BurnedInAnnotation.UNKNOWN;
    }

    /** Per-call state: counts, what the IOD requires, and the identifiers to mask in cleaned text. */
    private final class Run {
        int removed;
        int replaced;
        int uids;
        int cleaned;
        final Family family;
        final boolean enhanced;
        final IdentifierMasker masker;
        /** For the residual check of kept text: people's names and patient identifiers (not the institution). */
        final IdentifierMasker personMasker;
        final int dateShiftDays;
        final DeidentificationReport.Collector report = new DeidentificationReport.Collector();
        /** The dataset's own UIDs (not the standard's), which must not survive inside text. */
        final java.util.Set<String> sourceUids = new java.util.HashSet<>();

        Run(DicomObject top) {
            family = family(top.getString(Tags.SOPClassUID).orElse(""));
            enhanced = top.contains(Tags.SharedFunctionalGroupsSequence);
            masker = IdentifierMasker.of(top, !policy.has(DeidentificationOption.RETAIN_INSTITUTION_IDENTITY));
            personMasker = IdentifierMasker.of(top, false);
            byte[] h = uidsHmac("dateshift:" + top.getString(Tags.PatientID).orElse(""));
            int v = ((h[0] & 0xFF) << 24 | (h[1] & 0xFF) << 16 | (h[2] & 0xFF) << 8 | (h[3] & 0xFF)) >>> 1;
            dateShiftDays = 1 + v % 3650;
            if (!policy.has(DeidentificationOption.RETAIN_UIDS)) {
                collectUids(top, 0);
            }
        }

        private void collectUids(DicomObject ds, int depth) {
            if (depth > MAX_DEPTH) {
                return; // process() refuses it
            }
            for (DicomElement e : ds) {
                if (e.vr() == VR.UI) {
                    for (String u : e.strings()) {
                        String t = u.strip();
                        if (!t.isEmpty() && !t.startsWith(STANDARD_UID_ROOT)) {
                            sourceUids.add(t);
                        }
                    }
                } else if (e.isSequence()) {
                    for (DicomObject item : e.sequence().orElseThrow()) {
                        collectUids(item, depth + 1);
                    }
                }
            }
        }

        void record(int tag, DeidentificationReport.Action a, String reason) {
            switch (a) {
                case REMOVED: removed++; break;
                case EMPTIED: case DUMMY: replaced++; break;
                case CLEANED: cleaned++; break;
                default: break; // UID_REPLACED counts values, see replaceUid; KEPT is not counted
            }
            report.add(tag, a, reason);
        }
    }

    private static final String STANDARD_UID_ROOT = "1.2.840.10008.";
    private static final java.util.regex.Pattern UID_IN_TEXT = java.util.regex.Pattern.compile("[0-9]+(?:\\.[0-9]+)+");

    private byte[] uidsHmac(String label) {
        return uids.hmac(label);
    }

    /** How unlisted text inside a sequence is treated: kept, cleaned (inside C sequences), or replaced (inside D). */
    enum Mode { KEEP, CLEAN, DUMMY }

    private static final java.util.Set<Integer> CODE_ATTRIBUTES = java.util.Set.of(Tags.CodeValue,
            Tags.CodingSchemeDesignator, Tags.CodingSchemeVersion, Tags.CodeMeaning, Tags.LongCodeValue,
            Tags.URNCodeValue, Tags.MappingResource, Tags.TemplateIdentifier);

    /** Unlisted free-text explanations treated as descriptors: removed, or cleaned under Clean Descriptors. */
    static final java.util.Set<Integer> EXTRA_DESCRIPTORS = java.util.Set.of(Tags.WindowCenterWidthExplanation,
            Tags.LUTExplanation);

    /** Unlisted URL attributes that are terminology, not locations, and stay. */
    private static final java.util.Set<Integer> TERMINOLOGY_URLS = java.util.Set.of(Tags.CodingSchemeURL,
            Tags.URNCodeValue);

    /** VRs whose kept values are checked for the dataset's identifiers (asterisks are valid in all of them). */
    private static final java.util.Set<VR> CHECKED_TEXT = java.util.EnumSet.of(VR.AE, VR.LO, VR.SH, VR.ST, VR.LT,
            VR.UT, VR.UC, VR.PN, VR.UR);

    static final String OVERLAY_REASON = "SDK rule: overlay group 60xx removed whole, because its Overlay Data "
            + "(60xx,3000) is X (Clean Graphics is not supported) and an overlay header without data is an invalid "
            + "Overlay Plane module; Overlay Description and Label may name the patient";
    static final String URL_REASON = "SDK rule: a URL or URI not listed in PS3.15 E.1-1 (e.g. Retrieve URL) can "
            + "carry UIDs, host and file names";
    static final String DESCRIPTOR_REASON = "SDK rule: free-text explanation not listed in PS3.15 E.1-1, treated as "
            + "a descriptor (X; C under Clean Descriptors)";
    static final String RESIDUAL_REASON = "SDK rule: kept text contained a person's name, a patient identifier or a "
            + "UID of this dataset; masked";

    static boolean isOverlay(int tag) {
        return ((tag >>> 16) & 0xFF01) == 0x6000;
    }

    private DicomObject process(DicomObject ds, Run run, int depth) {
        return process(ds, run, depth, Mode.KEEP);
    }

    private DicomObject process(DicomObject ds, Run run, int depth, Mode mode) {
        if (depth > MAX_DEPTH) {
            throw new DeidentificationException("sequences nest deeper than " + MAX_DEPTH + " levels; refusing");
        }
        DicomObject.Builder b = DicomObject.builder();
        for (DicomElement e : ds) {
            int tag = e.tag();
            if (Tag.isPrivate(tag)) {
                if (keepPrivate(ds, tag)) {
                    b.set(kept(keep(e, run, depth), run, "Retain Safe Private Option: named safe by the policy"));
                } else {
                    run.record(tag, DeidentificationReport.Action.REMOVED, "PS3.15 E.1-1: private attribute, X");
                }
                continue;
            }
            if (isOverlay(tag)) {
                run.record(tag, DeidentificationReport.Action.REMOVED, OVERLAY_REASON);
                continue;
            }
            Optional<ProfileTable.Rule> rule = table.rule(tag);
            if (rule.isEmpty()) {
                if (e.vr() == VR.UR && !TERMINOLOGY_URLS.contains(tag)) {
                    run.record(tag, DeidentificationReport.Action.REMOVED, URL_REASON);
                    continue;
                }
                if (EXTRA_DESCRIPTORS.contains(tag)) {
                    if (policy.has(DeidentificationOption.CLEAN_DESCRIPTORS) || mode == Mode.CLEAN) {
                        clean(e, run, depth, mode, DESCRIPTOR_REASON).ifPresent(b::set);
                    } else {
                        run.record(tag, DeidentificationReport.Action.REMOVED, DESCRIPTOR_REASON);
                    }
                    continue;
                }
                boolean text = e.vr().isText() && e.vr().usesSpecificCharacterSet() && !e.isEmpty();
                boolean freeText = text && !CODE_ATTRIBUTES.contains(tag);
                if (mode == Mode.CLEAN && (freeText || (text && tag == Tags.CodeMeaning))) {
                    clean(e, run, depth, mode, "free text inside a cleaned (C) sequence").ifPresent(b::set);
                } else if (freeText && mode == Mode.DUMMY) {
                    run.record(tag, DeidentificationReport.Action.DUMMY, "free text inside a dummy (D) sequence");
                    b.set(dummyValue(tag, e.vr()));
                } else {
                    b.set(kept(keep(e, run, depth, mode), run, "not listed in PS3.15 E.1-1: kept"));
                }
                continue;
            }
            Decision d = resolve(rule.get(), run);
            switch (d.action) {
                case 'X':
                    run.record(tag, DeidentificationReport.Action.REMOVED, d.reason);
                    break;
                case 'Z':
                    run.record(tag, DeidentificationReport.Action.EMPTIED, d.reason);
                    b.set(e.isSequence() ? DicomElement.ofSequence(tag, new Sequence(List.of()))
                            : DicomElement.ofBytes(tag, e.vr(), new byte[0]));
                    break;
                case 'D':
                    b.set(dummy(e, run, depth, d.reason));
                    break;
                case 'U':
                    replaceUid(e, run, depth, d.reason).ifPresent(b::set);
                    break;
                case 'C':
                    clean(e, run, depth, mode, d.reason).ifPresent(b::set);
                    break;
                default: // 'K'
                    b.set(kept(keep(e, run, depth, mode), run, d.reason));
            }
        }
        return b.build();
    }

    /**
     * Records a kept element, masking first any identifier or source UID found in its text: a last line of defence
     * for free text the profile keeps (unlisted attributes, codes, retained or kept values).
     */
    private DicomElement kept(DicomElement e, Run run, String reason) {
        if (e.isSequence() || !CHECKED_TEXT.contains(e.vr())) {
            run.record(e.tag(), DeidentificationReport.Action.KEPT, reason);
            return e;
        }
        Optional<String> text = e.text();
        if (text.isEmpty() || text.get().isEmpty()) {
            run.record(e.tag(), DeidentificationReport.Action.KEPT, reason);
            return e;
        }
        String masked = maskUids(run.personMasker.maskIdentifiers(text.get()), run);
        if (masked.equals(text.get())) {
            run.record(e.tag(), DeidentificationReport.Action.KEPT, reason);
            return e;
        }
        run.record(e.tag(), DeidentificationReport.Action.CLEANED, RESIDUAL_REASON + " (otherwise: " + reason + ")");
        String[] parts = e.vr().isMultiValued() ? masked.split("\\\\", -1) : new String[] {masked};
        return DicomElement.ofStrings(e.tag(), e.vr(), parts);
    }

    private static String maskUids(String text, Run run) {
        if (run.sourceUids.isEmpty()) {
            return text;
        }
        java.util.regex.Matcher m = UID_IN_TEXT.matcher(text);
        StringBuilder sb = null;
        int last = 0;
        while (m.find()) {
            if (run.sourceUids.contains(m.group())) {
                if (sb == null) {
                    sb = new StringBuilder(text.length());
                }
                sb.append(text, last, m.start()).append("*".repeat(m.end() - m.start()));
                last = m.end();
            }
        }
        return sb == null ? text : sb.append(text.substring(last)).toString();
    }

    /** An action and why it was chosen. */
    private record Decision(char action, String reason) {}

    /** The action for a rule under the policy: a selected option's K wins over its C, which wins over the profile. */
    private Decision resolve(ProfileTable.Rule rule, Run run) {
        DeidentificationOption cOption = null;
        for (DeidentificationOption o : policy.options()) {
            char c = rule.option(o);
            if (c == 'K') {
                return new Decision('K', "option " + o + ": K");
            }
            if (c == 'C' && cOption == null) {
                cOption = o;
            }
        }
        if (cOption != null) {
            return new Decision('C', "option " + cOption + ": C");
        }
        String basic = rule.basic();
        if (basic.length() == 1) {
            return new Decision(basic.charAt(0), "PS3.15 E.1-1: " + basic);
        }
        int type = requiredType(rule.tag(), run);
        String why = type == 3 ? "Type 3 here: first action" : "Type " + type + " in this IOD";
        char a;
        if (basic.equals("X/Z/U*")) {
            a = type == 3 ? 'X' : 'K'; // kept items have their UIDs replaced by their own U rules
        } else if (type == 1 && basic.contains("D")) {
            a = 'D';
        } else if (type <= 2 && basic.contains("Z")) {
            a = 'Z';
        } else if (type <= 2 && basic.contains("D")) {
            a = 'D'; // Type 2 but only X/D offered: a dummy keeps the attribute present
        } else {
            a = basic.charAt(0);
        }
        return new Decision(a, "PS3.15 E.1-1: " + basic + " -> " + a + " (" + why + ")");
    }

    /**
     * The attribute's type where the common IODs make a compound-action attribute required (1 or 2); 3 otherwise.
     * Sources: PS3.3 Patient (C.7.1.1), Contrast/Bolus (C.7.6.4), Presentation State Identification (C.11.10), SR
     * Document Series and General (C.17.1, C.17.2), Waveform Identification (C.10.8), Acquisition Context
     * (C.7.6.14), Multi-frame Functional Groups (C.7.6.16), Enhanced General Equipment (C.7.5.2), RT Series
     * (C.8.8.1), RT General Plan (C.8.8.9), RT Beams (C.8.8.14). Checked by DeidentifiedOutputValidityIT with dciodvfy.
     */
    private static int requiredType(int tag, Run run) {
        if (tag == Tags.PatientID || tag == Tags.ContrastBolusAgent || tag == Tags.ContentCreatorName) {
            return 2;
        }
        boolean typeOneContent = run.family == Family.SR || run.family == Family.WAVEFORM || run.enhanced;
        if (tag == Tags.ContentDate || tag == Tags.ContentTime) {
            return typeOneContent ? 1 : 2;
        }
        if (tag == Tags.AcquisitionDateTime && (run.family == Family.WAVEFORM || run.enhanced)) {
            return 1;
        }
        if (tag == Tags.DeviceSerialNumber && run.enhanced) {
            return 1;
        }
        if (tag == Tags.AcquisitionContextSequence && (run.family == Family.WAVEFORM || run.enhanced)) {
            return 2;
        }
        if (tag == Tags.ReferencedPerformedProcedureStepSequence && run.family == Family.SR) {
            return 2;
        }
        if (run.family == Family.RT && (tag == Tags.OperatorsName || tag == Tags.RTPlanDate
                || tag == Tags.RTPlanTime || tag == Tags.TreatmentMachineName)) {
            return 2;
        }
        return 3;
    }

    /** SOP class families whose modules make some compound-action attributes Type 1 or 2. */
    enum Family { SR, WAVEFORM, RT, OTHER }

    static Family family(String sopClass) {
        if (sopClass.startsWith("1.2.840.10008.5.1.4.1.1.88.")) {
            return Family.SR;
        }
        if (sopClass.startsWith("1.2.840.10008.5.1.4.1.1.9.")) {
            return Family.WAVEFORM;
        }
        if (sopClass.startsWith("1.2.840.10008.5.1.4.1.1.481.")) {
            return Family.RT;
        }
        return Family.OTHER;
    }

    private DicomElement keep(DicomElement e, Run run, int depth) {
        return keep(e, run, depth, Mode.KEEP);
    }

    private DicomElement keep(DicomElement e, Run run, int depth, Mode mode) {
        Optional<Sequence> seq = e.sequence();
        if (seq.isEmpty()) {
            return e;
        }
        List<DicomObject> items = new ArrayList<>(seq.get().size());
        for (DicomObject item : seq.get()) {
            items.add(process(item, run, depth + 1, mode));
        }
        return DicomElement.ofSequence(e.tag(), new Sequence(items));
    }

    private DicomElement dummy(DicomElement e, Run run, int depth, String reason) {
        int tag = e.tag();
        VR vr = e.vr();
        if (vr == VR.SQ) {
            // A dummy sequence keeps its item structure (so nested Type 1 attributes stay present), with every item
            // de-identified and all unlisted free text in it (e.g. SR Text Value) replaced by dummy text; codes stay.
            run.record(tag, DeidentificationReport.Action.DUMMY, reason + "; items kept, their free text replaced");
            List<DicomObject> items = new ArrayList<>();
            for (DicomObject item : e.sequence().orElseThrow()) {
                items.add(process(item, run, depth + 1, Mode.DUMMY));
            }
            return DicomElement.ofSequence(tag, new Sequence(items));
        }
        if (vr == VR.UI) {
            Optional<DicomElement> r = replaceUid(e, run, depth, reason);
            if (r.isPresent() && !r.get().isEmpty()) {
                return r.get();
            }
            run.uids++;
            return DicomElement.ofStrings(tag, VR.UI, uids.remap("dummy:" + Tag.toString(tag)));
        }
        run.record(tag, DeidentificationReport.Action.DUMMY, reason);
        return dummyValue(tag, vr);
    }

    /** A non-empty value valid for the VR. */
    static DicomElement dummyValue(int tag, VR vr) {
        switch (vr) {
            case AE: case CS: case LO: case SH: case PN: case LT: case ST: case UT: case UC:
                return DicomElement.ofStrings(tag, vr, "ANONYMIZED");
            case AS: return DicomElement.ofStrings(tag, vr, "000Y");
            case DA: return DicomElement.ofStrings(tag, vr, "19000101");
            case DT: return DicomElement.ofStrings(tag, vr, "19000101000000");
            case TM: return DicomElement.ofStrings(tag, vr, "000000");
            case DS: case IS: return DicomElement.ofStrings(tag, vr, "0");
            case UR: return DicomElement.ofStrings(tag, vr, "urn:anonymized");
            case UI: return DicomElement.ofStrings(tag, vr, "2.25.0");
            case US: case SS: case UL: case SL: case FL: case FD: case SV: case UV: case AT:
                return DicomElement.ofBytes(tag, vr, new byte[vr.valueSize()]);
            default: // OB OW OD OF OL OV UN: one zero value, even length
                return DicomElement.ofBytes(tag, vr, new byte[Math.max(2, vr.valueSize())]);
        }
    }

    private Optional<DicomElement> replaceUid(DicomElement e, Run run, int depth, String reason) {
        if (e.isSequence()) {
            run.record(e.tag(), DeidentificationReport.Action.KEPT, reason + " (a sequence: its items processed)");
            return Optional.of(keep(e, run, depth));
        }
        if (e.vr() != VR.UI) {
            // a UID we cannot read as UI (e.g. UN in implicit data with an unknown tag): drop it
            run.record(e.tag(), DeidentificationReport.Action.REMOVED, reason + ", but not readable as UI: removed");
            return Optional.empty();
        }
        List<String> values = e.strings();
        if (values.isEmpty()) {
            run.record(e.tag(), DeidentificationReport.Action.KEPT, reason + " (empty)");
            return Optional.of(e);
        }
        String[] out = new String[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).isBlank() ? "" : uids.remap(values.get(i));
        }
        run.uids += out.length;
        run.record(e.tag(), DeidentificationReport.Action.UID_REPLACED, reason);
        return Optional.of(DicomElement.ofStrings(e.tag(), VR.UI, out));
    }

    private Optional<DicomElement> clean(DicomElement e, Run run, int depth, Mode mode, String reason) {
        VR vr = e.vr();
        if (vr == VR.SQ) {
            run.record(e.tag(), DeidentificationReport.Action.CLEANED, reason + "; items processed, text masked");
            return Optional.of(keep(e, run, depth, mode == Mode.DUMMY ? Mode.DUMMY : Mode.CLEAN));
        }
        if (vr == VR.DA || vr == VR.DT) {
            if (!policy.has(DeidentificationOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)) {
                run.record(e.tag(), DeidentificationReport.Action.KEPT, reason + " (dates kept)");
                return Optional.of(e);
            }
            List<String> values = e.strings();
            String[] out = new String[values.size()];
            for (int i = 0; i < out.length; i++) {
                Optional<String> shifted = shift(values.get(i), run.dateShiftDays);
                if (shifted.isEmpty()) {
                    run.record(e.tag(), DeidentificationReport.Action.EMPTIED, reason + "; not a date: emptied");
                    return Optional.of(DicomElement.ofBytes(e.tag(), vr, new byte[0]));
                }
                out[i] = shifted.get();
            }
            run.record(e.tag(), DeidentificationReport.Action.CLEANED, reason + "; date shifted");
            return Optional.of(DicomElement.ofStrings(e.tag(), vr, out));
        }
        if (vr.isText() && vr != VR.UI && vr != VR.TM) {
            Optional<String> text = e.text();
            if (text.isEmpty()) {
                run.record(e.tag(), DeidentificationReport.Action.KEPT, reason + " (no text)");
                return Optional.of(e);
            }
            String cleaned = maskUids(cleanText(text.get(), run), run);
            if (cleaned.equals(text.get())) {
                run.record(e.tag(), DeidentificationReport.Action.KEPT, reason + "; nothing to mask");
                return Optional.of(e);
            }
            run.record(e.tag(), DeidentificationReport.Action.CLEANED, reason + "; identifiers masked");
            String[] parts = vr.isMultiValued() ? cleaned.split("\\\\", -1) : new String[] {cleaned};
            return Optional.of(DicomElement.ofStrings(e.tag(), vr, parts));
        }
        run.record(e.tag(), DeidentificationReport.Action.KEPT, reason);
        return Optional.of(e);
    }

    private static String cleanText(String text, Run run) {
        return run.masker.mask(text);
    }

    private static Optional<String> shift(String value, int days) {
        String v = value.strip();
        if (v.length() < 8) {
            return Optional.empty();
        }
        try {
            LocalDate d = LocalDate.parse(v.substring(0, 8), DateTimeFormatter.BASIC_ISO_DATE);
            return Optional.of(d.minusDays(days).format(DateTimeFormatter.BASIC_ISO_DATE) + v.substring(8));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private boolean keepPrivate(DicomObject ds, int tag) {
        if (!policy.has(DeidentificationOption.RETAIN_SAFE_PRIVATE) || policy.safePrivateAttributes().isEmpty()) {
            return false;
        }
        int group = tag >>> 16;
        int el = tag & 0xFFFF;
        if (Tag.isPrivateCreator(tag)) {
            String creator = ds.getString(tag).orElse("").strip();
            return policy.safePrivateAttributes().stream()
                    .anyMatch(a -> a.group() == group && a.creator().equals(creator));
        }
        if (el < 0x1000) {
            return false;
        }
        String creator = ds.getString((group << 16) | (el >>> 8)).orElse("").strip();
        return !creator.isEmpty()
                && policy.safePrivateAttributes().contains(new PrivateAttribute(creator, group, el & 0xFF));
    }

    private void addMarkers(DicomObject source, DicomObject.Builder out) {
        out.setString(Tags.PatientIdentityRemoved, VR.CS, "YES");
        List<String> methods = new ArrayList<>(source.getStrings(Tags.DeidentificationMethod));
        methods.add(METHOD_TEXT);
        out.setString(Tags.DeidentificationMethod, VR.LO, methods.toArray(new String[0]));
        List<DicomObject> codes = new ArrayList<>();
        source.getSequence(Tags.DeidentificationMethodCodeSequence).ifPresent(s -> codes.addAll(s.items()));
        codes.add(code("113100", "Basic Application Confidentiality Profile"));
        for (DeidentificationOption o : DeidentificationOption.values()) {
            if (policy.has(o)) {
                codes.add(code(o.codeValue(), o.codeMeaning()));
            }
        }
        out.setSequence(Tags.DeidentificationMethodCodeSequence, codes);
        String temporal = policy.has(DeidentificationOption.RETAIN_LONGITUDINAL_FULL_DATES) ? "UNMODIFIED"
                : policy.has(DeidentificationOption.RETAIN_LONGITUDINAL_MODIFIED_DATES) ? "MODIFIED" : "REMOVED";
        out.setString(Tags.LongitudinalTemporalInformationModified, VR.CS, temporal);
    }

    private static DicomObject code(String value, String meaning) {
        return DicomObject.builder().setString(Tags.CodeValue, VR.SH, value)
                .setString(Tags.CodingSchemeDesignator, VR.SH, "DCM")
                .setString(Tags.CodeMeaning, VR.LO, meaning).build();
    }
}

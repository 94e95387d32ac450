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
        return new DeidentificationResult(out.build(), burned, run.removed, run.replaced, run.uids, run.cleaned);
    }

    /**
     * De-identifies a Part 10 file's dataset and updates its file meta (the Media Storage SOP Instance UID follows
     * the replaced SOP Instance UID; source AE and private information are dropped).
     *
     * @throws BurnedInAnnotationException as {@link #deidentify(DicomObject)}
     */
    public DicomFile deidentify(DicomFile file) {
        DeidentificationResult r = deidentify(file.dataset());
        DicomObject.Builder meta = file.fileMeta().toBuilder();
        meta.remove(Tags.SourceApplicationEntityTitle).remove(Tags.SendingApplicationEntityTitle)
                .remove(Tags.ReceivingApplicationEntityTitle).remove(Tags.PrivateInformationCreatorUID)
                .remove(Tags.PrivateInformation);
        r.dataset().getString(Tags.SOPInstanceUID).ifPresent(u -> meta.setString(Tags.MediaStorageSOPInstanceUID, u));
        return new DicomFile(meta.build(), r.dataset(), file.transferSyntax());
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
        final int dateShiftDays;

        Run(DicomObject top) {
            family = family(top.getString(Tags.SOPClassUID).orElse(""));
            enhanced = top.contains(Tags.SharedFunctionalGroupsSequence);
            masker = IdentifierMasker.of(top, !policy.has(DeidentificationOption.RETAIN_INSTITUTION_IDENTITY));
            byte[] h = uidsHmac("dateshift:" + top.getString(Tags.PatientID).orElse(""));
            int v = ((h[0] & 0xFF) << 24 | (h[1] & 0xFF) << 16 | (h[2] & 0xFF) << 8 | (h[3] & 0xFF)) >>> 1;
            dateShiftDays = 1 + v % 3650;
        }

    }

    private byte[] uidsHmac(String label) {
        return uids.hmac(label);
    }

    /** How unlisted text inside a sequence is treated: kept, cleaned (inside C sequences), or replaced (inside D). */
    enum Mode { KEEP, CLEAN, DUMMY }

    private static final java.util.Set<Integer> CODE_ATTRIBUTES = java.util.Set.of(Tags.CodeValue,
            Tags.CodingSchemeDesignator, Tags.CodingSchemeVersion, Tags.CodeMeaning, Tags.LongCodeValue,
            Tags.URNCodeValue, Tags.MappingResource, Tags.TemplateIdentifier);

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
                    b.set(keep(e, run, depth));
                } else {
                    run.removed++;
                }
                continue;
            }
            Optional<ProfileTable.Rule> rule = table.rule(tag);
            if (rule.isEmpty()) {
                boolean freeText = e.vr().isText() && e.vr().usesSpecificCharacterSet() && !e.isEmpty()
                        && !CODE_ATTRIBUTES.contains(tag);
                if (freeText && mode == Mode.CLEAN) {
                    clean(e, run, depth, mode).ifPresent(b::set);
                } else if (freeText && mode == Mode.DUMMY) {
                    run.replaced++;
                    b.set(dummyValue(tag, e.vr()));
                } else {
                    b.set(keep(e, run, depth, mode));
                }
                continue;
            }
            char action = resolve(rule.get(), run, depth);
            switch (action) {
                case 'X':
                    run.removed++;
                    break;
                case 'Z':
                    run.replaced++;
                    b.set(e.isSequence() ? DicomElement.ofSequence(tag, new Sequence(List.of()))
                            : DicomElement.ofBytes(tag, e.vr(), new byte[0]));
                    break;
                case 'D':
                    b.set(dummy(e, run, depth));
                    break;
                case 'U':
                    replaceUid(e, run, depth).ifPresent(b::set);
                    break;
                case 'C':
                    clean(e, run, depth, mode).ifPresent(b::set);
                    break;
                default: // 'K'
                    b.set(keep(e, run, depth, mode));
            }
        }
        return b.build();
    }

    /** The action for a rule under the policy: a selected option's K wins over its C, which wins over the profile. */
    private char resolve(ProfileTable.Rule rule, Run run, int depth) {
        char opt = 0;
        for (DeidentificationOption o : policy.options()) {
            char c = rule.option(o);
            if (c == 'K') {
                return 'K';
            }
            if (c == 'C') {
                opt = 'C';
            }
        }
        if (opt == 'C') {
            return 'C';
        }
        String basic = rule.basic();
        if (basic.length() == 1) {
            return basic.charAt(0);
        }
        int type = requiredType(rule.tag(), run);
        if (basic.equals("X/Z/U*")) {
            return type == 3 ? 'X' : 'K'; // kept items have their UIDs replaced by their own U rules
        }
        if (type == 1 && basic.contains("D")) {
            return 'D';
        }
        if (type <= 2 && basic.contains("Z")) {
            return 'Z';
        }
        if (type <= 2 && basic.contains("D")) {
            return 'D'; // Type 2 but only X/D offered: a dummy keeps the attribute present
        }
        return basic.charAt(0);
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

    private DicomElement dummy(DicomElement e, Run run, int depth) {
        int tag = e.tag();
        VR vr = e.vr();
        if (vr == VR.SQ) {
            // A dummy sequence keeps its item structure (so nested Type 1 attributes stay present), with every item
            // de-identified and all unlisted free text in it (e.g. SR Text Value) replaced by dummy text; codes stay.
            run.replaced++;
            List<DicomObject> items = new ArrayList<>();
            for (DicomObject item : e.sequence().orElseThrow()) {
                items.add(process(item, run, depth + 1, Mode.DUMMY));
            }
            return DicomElement.ofSequence(tag, new Sequence(items));
        }
        if (vr == VR.UI) {
            Optional<DicomElement> r = replaceUid(e, run, depth);
            if (r.isPresent() && !r.get().isEmpty()) {
                return r.get();
            }
            run.uids++;
            return DicomElement.ofStrings(tag, VR.UI, uids.remap("dummy:" + Tag.toString(tag)));
        }
        run.replaced++;
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

    private Optional<DicomElement> replaceUid(DicomElement e, Run run, int depth) {
        if (e.isSequence()) {
            return Optional.of(keep(e, run, depth));
        }
        if (e.vr() != VR.UI) {
            run.removed++; // a UID we cannot read as UI (e.g. UN in implicit data with an unknown tag): drop it
            return Optional.empty();
        }
        List<String> values = e.strings();
        if (values.isEmpty()) {
            return Optional.of(e);
        }
        String[] out = new String[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).isBlank() ? "" : uids.remap(values.get(i));
        }
        run.uids += out.length;
        return Optional.of(DicomElement.ofStrings(e.tag(), VR.UI, out));
    }

    private Optional<DicomElement> clean(DicomElement e, Run run, int depth, Mode mode) {
        VR vr = e.vr();
        if (vr == VR.SQ) {
            return Optional.of(keep(e, run, depth, mode == Mode.DUMMY ? Mode.DUMMY : Mode.CLEAN));
        }
        if (vr == VR.DA || vr == VR.DT) {
            if (!policy.has(DeidentificationOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)) {
                return Optional.of(e);
            }
            List<String> values = e.strings();
            String[] out = new String[values.size()];
            for (int i = 0; i < out.length; i++) {
                Optional<String> shifted = shift(values.get(i), run.dateShiftDays);
                if (shifted.isEmpty()) {
                    run.replaced++;
                    return Optional.of(DicomElement.ofBytes(e.tag(), vr, new byte[0]));
                }
                out[i] = shifted.get();
            }
            run.cleaned++;
            return Optional.of(DicomElement.ofStrings(e.tag(), vr, out));
        }
        if (vr.isText() && vr != VR.UI && vr != VR.TM) {
            Optional<String> text = e.text();
            if (text.isEmpty()) {
                return Optional.of(e);
            }
            String cleaned = cleanText(text.get(), run);
            if (cleaned.equals(text.get())) {
                return Optional.of(e);
            }
            run.cleaned++;
            String[] parts = vr.isMultiValued() ? cleaned.split("\\\\", -1) : new String[] {cleaned};
            return Optional.of(DicomElement.ofStrings(e.tag(), vr, parts));
        }
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
